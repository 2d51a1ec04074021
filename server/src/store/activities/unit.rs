//! [`ActivityUnit`] over one SQL transaction. Sign-ups of one activity queue on its row:
//! `FOR UPDATE` on PostgreSQL, the writer lock the unit takes at its start on SQLite. The
//! confirmed and waitlisted counts are the triggers' (migration 0015), and the CHECK on
//! them refuses any write that would overbook.

use super::POSITION;
use crate::store::accounts::SqlUnit;
use crate::store::{failed, Engine};
use app::domain::accounts::store::Millis;
use app::domain::activities::attendance::AttendanceFacts;
use app::domain::activities::signup::{Clash, SignupFacts, SignupStatus};
use app::domain::activities::store::{ActivityUnit, AttendanceChange, LockedActivity, NewActivity, Reminder, Standing};
use app::domain::activities::{ActivityStatus, Organizer, Skill};
use app::domain::geo::Coordinates;
use app::domain::ids::{ActivityId, GridUnitId, OrganizationId, PersonId};
use app::domain::message::Message;
use app::domain::offerings::store::{OfferingUnit, PlaceFacts, PublisherFacts};
use app::domain::store::StoreError;
use sqlx::any::AnyArguments;
use sqlx::{Arguments, Row};

impl SqlUnit {
    /// The people of an activity's sign-ups in these states (an SQL list of literals).
    async fn signed_up(&mut self, id: ActivityId, states: &str) -> Result<Vec<PersonId>, StoreError> {
        let people: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT person_id FROM activity_signups WHERE activity_id = $1 AND status IN {states} ORDER BY person_id"
        ))
        .bind(id.get())
        .fetch_all(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(people.into_iter().map(PersonId::from_row).collect())
    }

    /// ` FOR UPDATE` on PostgreSQL; SQLite's unit holds the writer lock already.
    fn for_update(&self) -> &'static str {
        match self.engine {
            Engine::Postgres => " FOR UPDATE",
            Engine::Sqlite => "",
        }
    }
}

/// The columns a publication and an edit both write, in the order [`written`] binds them.
const WRITTEN: &str = "community_id, grid_unit_id, kind, title_zh, title_en, description_zh, description_en, \
     address, latitude, longitude, starts_at, ends_at, signup_deadline, places, skills, min_age, status";

fn bind<'q, T>(args: &mut AnyArguments<'q>, value: T) -> Result<(), StoreError>
where
    T: 'q + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    args.add(value).map_err(|e| {
        tracing::error!(error = %e, "binding an activity's field");
        StoreError::Failed {
            reference: "activity-bind".into(),
        }
    })
}

/// The `$n` of a column of [`WRITTEN`]; one past the last for `None`.
fn placeholder(column: Option<&str>) -> usize {
    let mut columns = WRITTEN.split(", ");
    match column {
        Some(c) => columns.position(|w| w == c).expect("a column of WRITTEN") + 1,
        None => columns.count() + 1,
    }
}

/// [`WRITTEN`]'s values, `$1` onwards.
fn written<'q>(new: &'q NewActivity<'_>) -> Result<AnyArguments<'q>, StoreError> {
    let d = new.draft;
    let status = if d.publish {
        ActivityStatus::Published
    } else {
        ActivityStatus::Draft
    };
    let mut args = AnyArguments::default();
    bind(&mut args, new.community.get())?;
    bind(&mut args, d.place.get())?;
    bind(&mut args, d.kind.slug())?;
    bind(&mut args, d.title_zh.as_str())?;
    bind(&mut args, d.title_en.as_deref())?;
    bind(&mut args, d.description_zh.as_str())?;
    bind(&mut args, d.description_en.as_deref())?;
    bind(&mut args, new.address.as_str())?;
    bind(&mut args, new.position.latitude())?;
    bind(&mut args, new.position.longitude())?;
    bind(&mut args, d.starts_at)?;
    bind(&mut args, d.ends_at)?;
    bind(&mut args, d.signup_deadline)?;
    bind(&mut args, i64::from(d.places))?;
    bind(&mut args, Skill::join(&d.skills))?;
    bind(&mut args, d.min_age.map(i64::from))?;
    bind(&mut args, status.slug())?;
    Ok(args)
}

#[async_trait::async_trait]
impl ActivityUnit for SqlUnit {
    async fn publisher(&mut self, organization: OrganizationId) -> Result<Option<PublisherFacts>, StoreError> {
        OfferingUnit::publisher(self, organization).await
    }

    async fn place(&mut self, id: GridUnitId) -> Result<Option<PlaceFacts>, StoreError> {
        OfferingUnit::place(self, id).await
    }

    async fn insert_activity(&mut self, new: &NewActivity<'_>) -> Result<ActivityId, StoreError> {
        let organization = match new.organizer {
            Organizer::Organization(o) => Some(o.get()),
            Organizer::Community(_) => None,
        };
        // WRITTEN's values, then the organization, the author and the time (created and updated).
        let next = placeholder(None);
        let values = (1..next + 3).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "INSERT INTO activities ({WRITTEN}, organization_id, created_by, created_at, updated_at) \
             VALUES ({values}, ${}) RETURNING id",
            next + 2
        );
        let mut args = written(new)?;
        bind(&mut args, organization)?;
        bind(&mut args, new.by.get())?;
        bind(&mut args, new.now)?;
        let id: i64 = sqlx::query_scalar_with(&sql, args)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(ActivityId::from_row(id))
    }

    async fn update_activity(&mut self, id: ActivityId, edit: &NewActivity<'_>) -> Result<(), StoreError> {
        // SET expressions read the row as it was, so the CASE compares the old start with
        // the new one.
        let sets = WRITTEN
            .split(", ")
            .enumerate()
            .map(|(i, column)| format!("{column} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let (starts, next) = (placeholder(Some("starts_at")), placeholder(None));
        let sql = format!(
            "UPDATE activities SET reminded_at = CASE WHEN starts_at = ${starts} THEN reminded_at ELSE NULL END, \
                {sets}, updated_at = ${next}, revision = revision + 1 WHERE id = ${}",
            next + 1
        );
        let mut args = written(edit)?;
        bind(&mut args, edit.now)?;
        bind(&mut args, id.get())?;
        sqlx::query_with(&sql, args)
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn lock_activity(&mut self, id: ActivityId) -> Result<Option<LockedActivity>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT status, starts_at, ends_at, signup_deadline, places, confirmed, organization_id, community_id, \
                title_zh, title_en, grid_unit_id, latitude, longitude, address, revision FROM activities WHERE id = $1{}",
            self.for_update()
        ))
        .bind(id.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        let read = |r: &sqlx::any::AnyRow| -> Result<LockedActivity, sqlx::Error> {
            let status: String = r.try_get("status")?;
            let community = GridUnitId::from_row(r.try_get("community_id")?);
            let title_zh: String = r.try_get("title_zh")?;
            let title_en: Option<String> = r.try_get("title_en")?;
            Ok(LockedActivity {
                facts: SignupFacts {
                    status: ActivityStatus::parse(&status)
                        .ok_or_else(|| crate::store::rows::corrupt("status", &status))?,
                    starts_at: r.try_get("starts_at")?,
                    ends_at: r.try_get("ends_at")?,
                    signup_deadline: r.try_get("signup_deadline")?,
                    places: r.try_get::<i64, _>("places")?.clamp(0, i64::from(u32::MAX)) as u32,
                    confirmed: r.try_get::<i64, _>("confirmed")?.clamp(0, i64::from(u32::MAX)) as u32,
                },
                organizer: match r.try_get::<Option<i64>, _>("organization_id")? {
                    Some(o) => Organizer::Organization(OrganizationId::from_row(o)),
                    None => Organizer::Community(community),
                },
                community,
                title: Message::owned(title_zh.clone(), title_en.unwrap_or(title_zh)),
                place: GridUnitId::from_row(r.try_get("grid_unit_id")?),
                position: Coordinates::new(r.try_get("latitude")?, r.try_get("longitude")?)
                    .map_err(|_| crate::store::rows::corrupt("latitude", "out of range"))?,
                address: r.try_get("address")?,
                revision: r.try_get("revision")?,
            })
        };
        row.as_ref().map(read).transpose().map_err(failed)
    }

    async fn lock_person(&mut self, person: PersonId) -> Result<(), StoreError> {
        if self.engine == Engine::Postgres {
            sqlx::query("SELECT id FROM people WHERE id = $1 FOR UPDATE")
                .bind(person.get())
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(failed)?;
        }
        Ok(())
    }

    async fn signup_status(
        &mut self,
        activity: ActivityId,
        person: PersonId,
    ) -> Result<Option<SignupStatus>, StoreError> {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM activity_signups WHERE activity_id = $1 AND person_id = $2")
                .bind(activity.get())
                .bind(person.get())
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(failed)?;
        status
            .map(|s| SignupStatus::parse(&s).ok_or_else(|| failed(crate::store::rows::corrupt("status", &s))))
            .transpose()
    }

    async fn clash(
        &mut self,
        person: PersonId,
        window: (Millis, Millis),
        except: ActivityId,
    ) -> Result<Option<Clash>, StoreError> {
        let row = sqlx::query(
            "SELECT a.title_zh, a.title_en, a.starts_at FROM activity_signups s JOIN activities a ON a.id = s.activity_id \
             WHERE s.person_id = $1 AND s.status IN ('confirmed', 'waitlisted') AND a.status = 'published' \
                AND a.id <> $2 AND a.starts_at < $4 AND a.ends_at > $3 \
             ORDER BY a.starts_at LIMIT 1",
        )
        .bind(person.get())
        .bind(except.get())
        .bind(window.0)
        .bind(window.1)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        row.map(|r| {
            let zh: String = r.try_get("title_zh")?;
            let en: Option<String> = r.try_get("title_en")?;
            Ok(Clash {
                title: Message::owned(zh.clone(), en.unwrap_or(zh)),
                starts_at: r.try_get("starts_at")?,
            })
        })
        .transpose()
        .map_err(failed)
    }

    async fn put_signup(
        &mut self,
        activity: ActivityId,
        person: PersonId,
        status: SignupStatus,
        now: Millis,
    ) -> Result<Standing, StoreError> {
        let ticket: Option<i64> = if status == SignupStatus::Waitlisted {
            Some(
                sqlx::query_scalar("UPDATE activities SET tickets = tickets + 1 WHERE id = $1 RETURNING tickets")
                    .bind(activity.get())
                    .fetch_one(&mut *self.tx)
                    .await
                    .map_err(failed)?,
            )
        } else {
            None
        };
        let confirmed_at = (status == SignupStatus::Confirmed).then_some(now);
        sqlx::query(
            "INSERT INTO activity_signups (activity_id, person_id, status, ticket, signed_up_at, confirmed_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (activity_id, person_id) DO UPDATE SET status = excluded.status, ticket = excluded.ticket, \
                signed_up_at = excluded.signed_up_at, confirmed_at = excluded.confirmed_at, cancelled_at = NULL",
        )
        .bind(activity.get())
        .bind(person.get())
        .bind(status.slug())
        .bind(ticket)
        .bind(now)
        .bind(confirmed_at)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        let position = match ticket {
            None => None,
            Some(_) => {
                let n: i64 = sqlx::query_scalar(&format!(
                    "SELECT {POSITION} FROM activity_signups s WHERE s.activity_id = $1 AND s.person_id = $2"
                ))
                .bind(activity.get())
                .bind(person.get())
                .fetch_one(&mut *self.tx)
                .await
                .map_err(failed)?;
                Some(n.clamp(0, i64::from(u32::MAX)) as u32)
            }
        };
        Ok(Standing { status, position })
    }

    async fn cancel_signup(&mut self, activity: ActivityId, person: PersonId, now: Millis) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE activity_signups SET status = 'cancelled', ticket = NULL, cancelled_at = $3 \
             WHERE activity_id = $1 AND person_id = $2 AND status <> 'cancelled'",
        )
        .bind(activity.get())
        .bind(person.get())
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn promote_first(&mut self, activity: ActivityId, now: Millis) -> Result<Option<PersonId>, StoreError> {
        let first: Option<i64> = sqlx::query_scalar(
            "SELECT person_id FROM activity_signups WHERE activity_id = $1 AND status = 'waitlisted' \
             ORDER BY ticket LIMIT 1",
        )
        .bind(activity.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        let Some(first) = first else { return Ok(None) };
        sqlx::query(
            "UPDATE activity_signups SET status = 'confirmed', ticket = NULL, confirmed_at = $3 \
             WHERE activity_id = $1 AND person_id = $2",
        )
        .bind(activity.get())
        .bind(first)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(Some(PersonId::from_row(first)))
    }

    async fn set_status(
        &mut self,
        id: ActivityId,
        status: ActivityStatus,
        reason: Option<&str>,
        now: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE activities SET status = $2, cancel_reason = $3, updated_at = $4, revision = revision + 1 WHERE id = $1",
        )
        .bind(id.get())
        .bind(status.slug())
        .bind(reason)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn holders(&mut self, id: ActivityId) -> Result<Vec<PersonId>, StoreError> {
        self.signed_up(id, "('confirmed', 'waitlisted')").await
    }

    async fn confirmed(&mut self, id: ActivityId) -> Result<Vec<PersonId>, StoreError> {
        self.signed_up(id, "('confirmed')").await
    }

    async fn claim_reminders(&mut self, until: Millis, now: Millis) -> Result<Vec<Reminder>, StoreError> {
        let claimed: Vec<i64> = sqlx::query_scalar(
            "UPDATE activities SET reminded_at = $2 \
             WHERE status = 'published' AND reminded_at IS NULL AND starts_at > $2 AND starts_at <= $1 RETURNING id",
        )
        .bind(until)
        .bind(now)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(failed)?;
        let mut due = Vec::with_capacity(claimed.len());
        for id in claimed {
            let r = sqlx::query(
                "SELECT a.title_zh, a.title_en, a.starts_at, a.address, g.name_zh, g.name_en \
                 FROM activities a JOIN grid_units g ON g.id = a.grid_unit_id WHERE a.id = $1",
            )
            .bind(id)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(failed)?;
            let read = || -> Result<Reminder, sqlx::Error> {
                let zh: String = r.try_get("title_zh")?;
                let en: Option<String> = r.try_get("title_en")?;
                let address: String = r.try_get("address")?;
                Ok(Reminder {
                    activity: ActivityId::from_row(id),
                    title: Message::owned(zh.clone(), en.unwrap_or(zh)),
                    starts_at: r.try_get("starts_at")?,
                    place: Message::owned(
                        format!("{}（{address}）", r.try_get::<String, _>("name_zh")?),
                        format!("{} ({address})", r.try_get::<String, _>("name_en")?),
                    ),
                })
            };
            due.push(read().map_err(failed)?);
        }
        Ok(due)
    }

    async fn attendance(
        &mut self,
        activity: ActivityId,
        person: PersonId,
    ) -> Result<Option<AttendanceFacts>, StoreError> {
        let row = sqlx::query(
            "SELECT a.starts_at, a.ends_at, s.status, s.checked_in_at, s.checked_out_at, s.no_show, s.minutes, \
                s.approved_at FROM activity_signups s JOIN activities a ON a.id = s.activity_id \
             WHERE s.activity_id = $1 AND s.person_id = $2",
        )
        .bind(activity.get())
        .bind(person.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        let read = |r: &sqlx::any::AnyRow| -> Result<AttendanceFacts, sqlx::Error> {
            let status: String = r.try_get("status")?;
            let approved: Option<i64> = r.try_get("approved_at")?;
            Ok(AttendanceFacts {
                scheduled: (r.try_get("starts_at")?, r.try_get("ends_at")?),
                status: SignupStatus::parse(&status).ok_or_else(|| crate::store::rows::corrupt("status", &status))?,
                checked_in_at: r.try_get("checked_in_at")?,
                checked_out_at: r.try_get("checked_out_at")?,
                no_show: r.try_get::<i64, _>("no_show")? == 1,
                approved_minutes: approved
                    .map(|_| r.try_get::<Option<i64>, _>("minutes"))
                    .transpose()?
                    .flatten()
                    .map(|m| m.clamp(0, i64::from(u32::MAX)) as u32),
            })
        };
        row.as_ref().map(read).transpose().map_err(failed)
    }

    async fn record_attendance(
        &mut self,
        activity: ActivityId,
        person: PersonId,
        change: &AttendanceChange,
        now: Millis,
    ) -> Result<(), StoreError> {
        let (sql, values): (&str, Vec<Option<i64>>) = match change {
            AttendanceChange::CheckIn { at } => ("checked_in_at = $3, no_show = 0", vec![Some(*at)]),
            AttendanceChange::CheckOut { at, .. } => ("checked_out_at = $3", vec![Some(*at)]),
            AttendanceChange::NoShow => ("no_show = 1", vec![]),
            AttendanceChange::Approve { minutes, by, .. } => (
                "minutes = $3, approved_by = $4, approved_at = $5, minutes_note = $6",
                vec![Some(i64::from(*minutes)), Some(by.get()), Some(now)],
            ),
        };
        let statement = format!("UPDATE activity_signups SET {sql} WHERE activity_id = $1 AND person_id = $2");
        let mut query = sqlx::query(&statement).bind(activity.get()).bind(person.get());
        for v in values {
            query = query.bind(v);
        }
        if let AttendanceChange::Approve { note, .. } = change {
            query = query.bind(note.clone());
        }
        query.execute(&mut *self.tx).await.map_err(failed)?;
        Ok(())
    }

    async fn audit(&mut self, entry: &app::domain::accounts::store::AuditEntry) -> Result<(), StoreError> {
        app::domain::requests::store::RequestUnit::audit(self, entry).await
    }

    async fn notify(
        &mut self,
        people: &[PersonId],
        kind: &str,
        text: &Message,
        link: &str,
        now: Millis,
    ) -> Result<(), StoreError> {
        if people.is_empty() {
            return Ok(());
        }
        let list = people
            .iter()
            .map(|p| p.get().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(&format!(
            "INSERT INTO notifications (person_id, kind, text_zh, text_en, link, created_at) \
             SELECT id, $1, $2, $3, $4, $5 FROM people WHERE id IN ({list}) AND deleted_at IS NULL"
        ))
        .bind(kind)
        .bind(text.zh.as_ref())
        .bind(text.en.as_ref())
        .bind(link)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        // A text message too, for those who asked (in the same transaction: never lost).
        sqlx::query(&format!(
            "INSERT INTO outbox (channel, recipient, body, created_at) \
             SELECT CASE WHEN login LIKE '%@%' THEN 'email' ELSE 'sms' END, login, $1, $2 FROM people \
             WHERE id IN ({list}) AND sms_notifications = 1 AND login IS NOT NULL AND deleted_at IS NULL"
        ))
        .bind(format!("【家门口】{}", text.zh))
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(failed)
    }
}
