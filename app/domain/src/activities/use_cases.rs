//! Publishing activities, finding them, signing up and cancelling.
//!
//! Who may publish: members of a verified, unsuspended organization, at a place in a
//! community it serves; or a community's staff, at a place in their community. Who may
//! sign up: anyone signed in who has opted in to volunteering. Each change is one unit of
//! work with the activity's row locked, so sign-ups queue on it and the count of
//! confirmed places is never read stale.

use super::attendance;
use super::input::{ActivityDraft, ActivityInput};
use super::search::{ActivityParams, ActivitySearch};
use super::signup::{self, SignupStatus};
use super::store::*;
use super::{Activity, ActivityHit, ActivityStatus, Organizer};
use crate::accounts::principal::Principal;
use crate::accounts::store::Millis;
use crate::calendar::local_time;
use crate::error::AppError;
use crate::geo::{haversine_m, Coordinates};
use crate::ids::{ActivityId, GridUnitId, PersonId};
use crate::message::Message;
use crate::offerings::use_cases::POSITION_SLACK_M;
use crate::search::Origin;
use crate::validation::FieldError;

pub struct Activities<'a> {
    pub store: &'a dyn ActivityStore,
    pub now: Millis,
}

pub(super) fn not_found() -> AppError {
    AppError::not_found("活动", "activity")
}

/// The page that says everything about an activity.
pub fn link(id: ActivityId) -> String {
    format!("/activities/{id}")
}

/// Whether this person organizes the activity (and so sees it as a draft, and runs it).
pub fn organizes(who: &Principal, organizer: Organizer) -> bool {
    match organizer {
        Organizer::Organization(o) => who.role_in(o).is_some(),
        Organizer::Community(c) => who.is_staff_of(c),
    }
}

impl Activities<'_> {
    /// Publishes an activity (or keeps it as a draft).
    pub async fn publish(&self, who: &Principal, input: &ActivityInput) -> Result<Activity, AppError> {
        if let Some(raw) = input.organization_id {
            if crate::ids::OrganizationId::new(raw).is_some_and(|o| who.role_in(o).is_none()) {
                return Err(AppError::Forbidden);
            }
        } else if !who.is_community_staff() {
            return Err(AppError::Invalid(vec![FieldError::new(
                "organization_id",
                "请选择举办活动的机构",
                "is required: the organization running it",
            )]));
        }
        let draft = input.check(self.now)?;
        let mut unit = self.store.begin_activities().await?;
        let communities = match draft.organization {
            Some(organization) => self.publishing(unit.as_mut(), organization).await?,
            None => who.roles.communities.clone(),
        };
        let (community, position, address) = self.resolve_place(unit.as_mut(), &draft, &communities).await?;
        let organizer = match draft.organization {
            Some(o) => Organizer::Organization(o),
            None => Organizer::Community(community),
        };
        let id = unit
            .insert_activity(&NewActivity {
                draft: &draft,
                organizer,
                community,
                position,
                address,
                by: who.person,
                now: self.now,
            })
            .await?;
        unit.commit().await?;
        self.store.activity(id).await?.ok_or_else(not_found)
    }

    /// The communities a verified, unsuspended organization may publish in (its row
    /// locked against a concurrent suspension).
    pub(super) async fn publishing(
        &self,
        unit: &mut dyn ActivityUnit,
        organization: crate::ids::OrganizationId,
    ) -> Result<Vec<GridUnitId>, AppError> {
        let facts = unit
            .publisher(organization)
            .await?
            .ok_or_else(|| AppError::not_found("机构", "organization"))?;
        if facts.suspended {
            return Err(AppError::conflict(
                "机构已被社区暂停，暂时不能发布活动",
                "the organization is suspended and cannot publish activities",
            ));
        }
        if !facts.verified {
            return Err(AppError::conflict(
                "机构还没有通过社区审核，审核通过后才能发布活动",
                "the organization is not verified yet; it can publish once community staff verify it",
            ));
        }
        Ok(facts.communities)
    }

    /// The place must be a grid unit in one of `communities`; a given position must lie
    /// near it. Answers the community, the position and the address.
    pub(super) async fn resolve_place(
        &self,
        unit: &mut dyn ActivityUnit,
        draft: &ActivityDraft,
        communities: &[GridUnitId],
    ) -> Result<(GridUnitId, Coordinates, String), AppError> {
        let place = unit.place(draft.place).await?.ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new("place_id", "没有这个地点", "is not a grid unit")])
        })?;
        let community = place.community.filter(|c| communities.contains(c)).ok_or_else(|| {
            AppError::Invalid(vec![FieldError::with(
                "place_id",
                Message::owned(
                    format!("网格 {} 不在举办方服务的社区内", draft.place),
                    format!("grid unit {} is not in a community the organizer serves", draft.place),
                ),
            )])
        })?;
        let position = match draft.position {
            Some(given) if haversine_m(given, place.position) > POSITION_SLACK_M => {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "latitude",
                    "坐标离所选地点太远（超过 5 公里），请检查",
                    "the coordinates are more than 5 km from the chosen place",
                )]))
            }
            Some(given) => given,
            None => place.position,
        };
        let address = draft.address.clone().unwrap_or(place.name_zh);
        Ok((community, position, address))
    }

    /// An activity as anyone may see it; a draft only by its organizers.
    pub async fn get(&self, who: Option<&Principal>, id: ActivityId) -> Result<Activity, AppError> {
        let activity = self.store.activity(id).await?.ok_or_else(not_found)?;
        if activity.status == ActivityStatus::Draft && !who.is_some_and(|p| organizes(p, activity.organizer)) {
            return Err(not_found());
        }
        Ok(activity)
    }

    /// Upcoming published activities near a place or position, or anywhere.
    pub async fn search(&self, params: &ActivityParams) -> Result<(u64, Vec<ActivityHit>), AppError> {
        Ok(self.store.search_activities(&self.resolve(params).await?).await?)
    }

    /// The search the parameters ask for, now: a place becomes its position (404 when
    /// there is no such place).
    pub async fn resolve(&self, params: &ActivityParams) -> Result<ActivitySearch, AppError> {
        let near = match params.origin {
            None => None,
            Some(Origin::Position(c)) => Some(c),
            Some(Origin::Place(unit)) => Some(
                self.store
                    .grid_position(unit)
                    .await?
                    .ok_or_else(|| AppError::not_found("地点", "place"))?,
            ),
        };
        Ok(params.resolve(near, self.now))
    }

    /// Where the caller stands with an activity.
    pub async fn standing(&self, who: &Principal, id: ActivityId) -> Result<Option<Standing>, AppError> {
        Ok(self.store.standing(id, who.person).await?)
    }

    /// The caller's sign-ups.
    pub async fn mine(&self, who: &Principal) -> Result<Vec<MySignup>, AppError> {
        Ok(self.store.signups_of(who.person).await?)
    }

    /// Signs the caller up: a place while there is one, else the waitlist.
    pub async fn sign_up(&self, who: &Principal, id: ActivityId) -> Result<Standing, AppError> {
        if !who.roles.volunteer {
            return Err(AppError::conflict(
                "请先在「我的账户」里登记成为志愿者，再报名活动",
                "opt in to volunteering on your account page first, then sign up",
            ));
        }
        let mut unit = self.store.begin_activities().await?;
        unit.lock_person(who.person).await?;
        let activity = unit.lock_activity(id).await?.ok_or_else(not_found)?;
        if activity.facts.status == ActivityStatus::Draft && !organizes(who, activity.organizer) {
            return Err(not_found());
        }
        let mine = unit.signup_status(id, who.person).await?;
        let window = (activity.facts.starts_at, activity.facts.ends_at);
        let clash = unit.clash(who.person, window, id).await?;
        let status = signup::sign_up(&activity.facts, mine, clash.as_ref(), self.now)?;
        let standing = unit.put_signup(id, who.person, status, self.now).await?;
        unit.commit().await?;
        Ok(standing)
    }

    /// Cancels the caller's sign-up; a freed place goes to the first on the waitlist,
    /// who is told.
    pub async fn cancel(&self, who: &Principal, id: ActivityId) -> Result<(), AppError> {
        let mut unit = self.store.begin_activities().await?;
        let activity = unit.lock_activity(id).await?.ok_or_else(not_found)?;
        let mine = unit.signup_status(id, who.person).await?;
        if mine.is_none() && activity.facts.status == ActivityStatus::Draft {
            return Err(not_found());
        }
        let cancellation = signup::cancel(&activity.facts, mine, self.now)?;
        unit.cancel_signup(id, who.person, self.now).await?;
        if cancellation.promote {
            if let Some(promoted) = unit.promote_first(id, self.now).await? {
                let text = promoted_notice(&activity.title, activity.facts.starts_at);
                unit.notify(&[promoted], "activity-promoted", &text, &link(id), self.now)
                    .await?;
            }
        }
        unit.commit().await?;
        Ok(())
    }
}

/// What someone moved up from the waitlist is told.
pub(super) fn promoted_notice(title: &Message, starts_at: Millis) -> Message {
    let at = local_time(starts_at);
    Message::owned(
        format!("有名额空出来了，您已从候补转为正式参加「{}」（{at}）。", title.zh),
        format!("A place came free: you now have a place in “{}” ({at}).", title.en),
    )
}

pub const CANCEL_REASON_MAX: usize = 200;
/// Volunteers are reminded this long before an activity starts.
pub const REMIND_BEFORE_MS: Millis = 24 * 3_600_000;

impl Activities<'_> {
    /// Everyone who signed up, for the activity's organizers.
    pub async fn roster(&self, who: &Principal, id: ActivityId) -> Result<Vec<RosterLine>, AppError> {
        let activity = self.get(Some(who), id).await?;
        if !organizes(who, activity.organizer) {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.roster(id).await?)
    }

    /// An organization's activities, for its members.
    pub async fn of_organization(
        &self,
        who: &Principal,
        organization: crate::ids::OrganizationId,
    ) -> Result<Vec<Activity>, AppError> {
        if who.role_in(organization).is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        Ok(self.store.activities_of(Organizer::Organization(organization)).await?)
    }

    /// The organizer cancels an activity that has not started; everyone who signed up
    /// (or waits) is told why.
    pub async fn cancel_activity(&self, who: &Principal, id: ActivityId, reason: &str) -> Result<Activity, AppError> {
        let reason = crate::validation::paragraph("reason", reason, CANCEL_REASON_MAX)
            .map_err(|e| AppError::Invalid(vec![e]))?;
        let mut unit = self.store.begin_activities().await?;
        let activity = unit.lock_activity(id).await?.ok_or_else(not_found)?;
        if !organizes(who, activity.organizer) {
            return Err(if activity.facts.status == ActivityStatus::Draft {
                not_found()
            } else {
                AppError::Forbidden
            });
        }
        match activity.facts.status {
            ActivityStatus::Cancelled => {
                return Err(AppError::conflict(
                    "这个活动已经取消了",
                    "this activity is already cancelled",
                ))
            }
            ActivityStatus::Finished => {
                return Err(AppError::conflict("这个活动已经结束了", "this activity has finished"))
            }
            _ if self.now >= activity.facts.starts_at => {
                return Err(AppError::conflict(
                    "活动已经开始，不能再取消",
                    "this activity has started and can no longer be cancelled",
                ))
            }
            _ => {}
        }
        unit.set_status(id, ActivityStatus::Cancelled, Some(&reason), self.now)
            .await?;
        let holders = unit.holders(id).await?;
        let at = local_time(activity.facts.starts_at);
        let text = Message::owned(
            format!("「{}」（{at}）取消了：{reason}", activity.title.zh),
            format!("“{}” ({at}) is cancelled: {reason}", activity.title.en),
        );
        unit.notify(&holders, "activity-cancelled", &text, &link(id), self.now)
            .await?;
        unit.commit().await?;
        self.store.activity(id).await?.ok_or_else(not_found)
    }

    /// Reminds the confirmed volunteers of every activity starting within a day, once per
    /// activity; how many activities were reminded of. Run now and then by each instance:
    /// the claim is one conditional update, so two instances never remind twice.
    pub async fn send_reminders(&self) -> Result<usize, AppError> {
        let mut unit = self.store.begin_activities().await?;
        let due = unit.claim_reminders(self.now + REMIND_BEFORE_MS, self.now).await?;
        for r in &due {
            let holders = unit.confirmed(r.activity).await?;
            let at = local_time(r.starts_at);
            let text = Message::owned(
                format!("提醒：您报名的「{}」将于 {at} 在{}开始。去不了的话，请在活动页面取消，把名额让给候补的志愿者。", r.title.zh, r.place.zh),
                format!(
                    "Reminder: “{}” starts at {at} at {}. If you cannot come, cancel on its page so someone waiting gets the place.",
                    r.title.en, r.place.en
                ),
            );
            unit.notify(&holders, "activity-reminder", &text, &link(r.activity), self.now)
                .await?;
        }
        unit.commit().await?;
        Ok(due.len())
    }
}

/// What an organizer records about one volunteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Came (recorded from the scheduled start; a correction says otherwise).
    Arrived,
    NoShow,
}

/// Attendance and hours are only for an activity that took place (or is taking place).
fn held(activity: &LockedActivity) -> Result<(), AppError> {
    match activity.facts.status {
        ActivityStatus::Cancelled => Err(AppError::conflict(
            "这个活动已经取消了，没有签到和时长",
            "this activity was cancelled: there is no attendance or hours to record",
        )),
        ActivityStatus::Draft => Err(AppError::conflict(
            "这个活动还没有发布",
            "this activity is not published",
        )),
        _ => Ok(()),
    }
}

fn wrong_code() -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "code",
        "签到码不对，请看组织方出示的六位数字",
        "is not this activity's code: the six digits the organizer shows",
    )])
}

impl Activities<'_> {
    /// The check-in code, for the activity's organizers to show.
    pub async fn checkin_code(&self, who: &Principal, id: ActivityId) -> Result<String, AppError> {
        let activity = self.get(Some(who), id).await?;
        if !organizes(who, activity.organizer) {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.checkin_code(id).await?)
    }

    /// A volunteer checks in or out with the code the organizer shows; wrong codes are
    /// limited per person and activity, so six digits cannot be guessed.
    pub async fn use_code(&self, who: &Principal, id: ActivityId, code: &str, out: bool) -> Result<(), AppError> {
        let key = format!("activity-code:{id}:{}", who.person);
        let tries = self.store.hit(&key, attendance::GUESS_WINDOW_MS, self.now).await?;
        if tries > attendance::GUESSES {
            return Err(AppError::RateLimited {
                retry_after_s: (attendance::GUESS_WINDOW_MS / 1000) as u64,
            });
        }
        let activity = self.get(Some(who), id).await?;
        if activity.status != ActivityStatus::Published {
            return Err(AppError::conflict(
                "这个活动不能签到",
                "this activity is not open for check-in",
            ));
        }
        if code.trim() != self.store.checkin_code(id).await? {
            return Err(wrong_code());
        }
        let mut unit = self.store.begin_activities().await?;
        unit.lock_activity(id).await?.ok_or_else(not_found)?;
        let facts = unit
            .attendance(id, who.person)
            .await?
            .ok_or_else(|| AppError::conflict("您没有报名这个活动", "you have not signed up for this activity"))?;
        let change = if out {
            let attended = attendance::check_out(&facts, self.now)?;
            AttendanceChange::CheckOut {
                at: self.now,
                minutes: attended.minutes,
            }
        } else {
            AttendanceChange::CheckIn {
                at: attendance::check_in(&facts, self.now)?,
            }
        };
        unit.record_attendance(id, who.person, &change, self.now).await?;
        unit.commit().await?;
        Ok(())
    }

    /// The organizer marks a volunteer arrived or absent, from the list.
    pub async fn mark(&self, who: &Principal, id: ActivityId, person: PersonId, mark: Mark) -> Result<(), AppError> {
        let mut unit = self.store.begin_activities().await?;
        let activity = self.organized(unit.as_mut(), who, id).await?;
        held(&activity)?;
        let facts = unit
            .attendance(id, person)
            .await?
            .ok_or_else(|| AppError::not_found("报名", "sign-up"))?;
        let change = match mark {
            Mark::Arrived => {
                // Marked by the organizer: present from the start, and markable after the
                // end too (the list is often settled afterwards).
                attendance::check_in(&facts, self.now.min(activity.facts.ends_at))?;
                AttendanceChange::CheckIn {
                    at: activity.facts.starts_at,
                }
            }
            Mark::NoShow => {
                attendance::no_show(&facts)?;
                AttendanceChange::NoShow
            }
        };
        unit.record_attendance(id, person, &change, self.now).await?;
        unit.commit().await?;
        Ok(())
    }

    /// The organizer approves a volunteer's time, or a correction with a reason (audited).
    pub async fn approve_hours(
        &self,
        who: &Principal,
        id: ActivityId,
        person: PersonId,
        correction: Option<(i64, String)>,
    ) -> Result<u32, AppError> {
        let mut unit = self.store.begin_activities().await?;
        held(&self.organized(unit.as_mut(), who, id).await?)?;
        let facts = unit
            .attendance(id, person)
            .await?
            .ok_or_else(|| AppError::not_found("报名", "sign-up"))?;
        let (minutes, note) =
            attendance::approve(&facts, correction.as_ref().map(|(m, r)| (*m, r.as_str())), self.now)?;
        if let Some(reason) = &note {
            unit.audit(&crate::accounts::store::AuditEntry {
                at: self.now,
                actor: Some(who.person),
                action: "activity-hours-corrected".into(),
                subject_kind: "activity".into(),
                subject_id: Some(id.get()),
                on_behalf_of: Some(person),
                request_id: None,
                detail: Some(format!(
                    "{} → {minutes} min: {reason}",
                    facts.attended().map_or(0, |a| a.minutes)
                )),
            })
            .await?;
        }
        unit.record_attendance(
            id,
            person,
            &AttendanceChange::Approve {
                minutes,
                note,
                by: who.person,
            },
            self.now,
        )
        .await?;
        unit.commit().await?;
        Ok(minutes)
    }

    /// The caller's recorded hours.
    pub async fn hours(&self, who: &Principal) -> Result<attendance::HoursSummary, AppError> {
        let (year, _, _) = crate::calendar::Day::of(self.now).ymd();
        let year_from = crate::calendar::Day::from_ymd(year, 1, 1)
            .map(crate::calendar::Day::start_millis)
            .unwrap_or(0);
        Ok(self.store.hours_of(who.person, year_from).await?)
    }

    /// Issues a certificate of the caller's recorded hours under a new random code
    /// (`random` gives 40 bits per call).
    pub async fn issue_certificate(
        &self,
        who: &Principal,
        mut random: impl FnMut() -> [u8; 5],
    ) -> Result<super::certificate::Certificate, AppError> {
        let hours = self.hours(who).await?;
        if hours.total_minutes == 0 {
            return Err(AppError::conflict(
                "还没有经组织方确认的服务时长，暂时不能开具证明",
                "there are no approved hours yet to certify",
            ));
        }
        let name = self
            .store
            .display_name(who.person)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        // 40 random bits: a collision is a once-in-a-trillion event, but cheap to survive.
        for _ in 0..3 {
            let certificate = super::certificate::Certificate::new(
                super::certificate::code_from(random()),
                name.clone(),
                &hours,
                self.now,
            );
            if self.store.insert_certificate(who.person, &certificate).await? {
                return Ok(certificate);
            }
        }
        Err(AppError::Unavailable)
    }

    /// Anyone checks a certificate by its code.
    pub async fn verify_certificate(&self, code: &str) -> Result<super::certificate::Certificate, AppError> {
        let missing = || AppError::not_found("证明", "certificate");
        let code = super::certificate::normalize_code(code).ok_or_else(missing)?;
        self.store.certificate(&code).await?.ok_or_else(missing)
    }

    /// The activity, locked, when the caller organizes it.
    pub(super) async fn organized(
        &self,
        unit: &mut dyn ActivityUnit,
        who: &Principal,
        id: ActivityId,
    ) -> Result<LockedActivity, AppError> {
        let activity = unit.lock_activity(id).await?.ok_or_else(not_found)?;
        if !organizes(who, activity.organizer) {
            return Err(if activity.facts.status == ActivityStatus::Draft {
                not_found()
            } else {
                AppError::Forbidden
            });
        }
        Ok(activity)
    }
}

/// The answer to a sign-up as the API gives it.
pub fn standing_words(standing: &Standing) -> Message {
    match (standing.status, standing.position) {
        (SignupStatus::Confirmed, _) => Message::fixed("您已报名成功", "you have a place"),
        (SignupStatus::Waitlisted, Some(n)) => Message::owned(
            format!("名额已满，您在候补名单第 {n} 位；有人取消时会按顺序递补并通知您"),
            format!("it is full: you are number {n} on the waitlist, and will be told if a place comes free"),
        ),
        (SignupStatus::Waitlisted, None) => Message::fixed("您在候补名单上", "you are on the waitlist"),
        (SignupStatus::Cancelled, _) => Message::fixed("您已取消报名", "you cancelled your sign-up"),
    }
}
