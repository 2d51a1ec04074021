//! Changing an activity after it is published: what may change, and what the people who
//! signed up are told.
//!
//! An edit replaces every field (the API's PATCH merges into [`Activity::to_input`]
//! first), so it is checked whole, like a new activity. Until it starts, an organizer
//! may change anything but who runs it; places cannot drop below the volunteers who
//! already hold one (the organizer calls them, not the app), and more places go to the
//! waitlist in order. A new time or place is told to everyone holding a place or a
//! waitlist ticket, and a new start time re-arms the day-before reminder.

use super::input::{ActivityDraft, ActivityInput};
use super::signup::SignupFacts;
use super::store::{LockedActivity, NewActivity};
use super::use_cases::{link, not_found, promoted_notice, Activities};
use super::{when_words, Activity, ActivityStatus, Organizer};
use crate::accounts::principal::Principal;
use crate::accounts::store::Millis;
use crate::calendar::rfc3339;
use crate::error::AppError;
use crate::geo::Coordinates;
use crate::ids::ActivityId;
use crate::message::Message;
use crate::validation::FieldError;

impl Activity {
    /// The activity's fields as an organizer would type them: what an edit starts from.
    /// English left out when it only repeats the Chinese; the deadline left out when it
    /// is the start (so moving the start moves it too).
    pub fn to_input(&self) -> ActivityInput {
        let english = |m: &Message| (m.en != m.zh).then(|| m.en.to_string());
        ActivityInput {
            organization_id: match self.organizer {
                Organizer::Organization(o) => Some(o.get()),
                Organizer::Community(_) => None,
            },
            title_zh: self.title.zh.to_string(),
            title_en: english(&self.title),
            description_zh: self.description.zh.to_string(),
            description_en: english(&self.description),
            kind: self.kind.slug().to_owned(),
            place_id: Some(self.place.get()),
            latitude: Some(self.position.latitude()),
            longitude: Some(self.position.longitude()),
            address: Some(self.address.clone()),
            starts_at: rfc3339(self.starts_at),
            ends_at: rfc3339(self.ends_at),
            signup_deadline: (self.signup_deadline != self.starts_at).then(|| rfc3339(self.signup_deadline)),
            places: Some(i64::from(self.places)),
            skills: self.skills.iter().map(|s| s.slug().to_owned()).collect(),
            min_age: self.min_age.map(i64::from),
            draft: self.status == ActivityStatus::Draft,
        }
    }
}

/// Whether the activity can still be changed at `now`.
pub fn may_edit(facts: &SignupFacts, now: Millis) -> Result<(), AppError> {
    match facts.status {
        ActivityStatus::Cancelled => Err(AppError::conflict(
            "这个活动已经取消了，不能再修改",
            "this activity is cancelled and can no longer be changed",
        )),
        ActivityStatus::Finished => Err(AppError::conflict(
            "这个活动已经结束了，不能再修改",
            "this activity has finished and can no longer be changed",
        )),
        _ if now >= facts.starts_at => Err(AppError::conflict(
            "活动已经开始，不能再修改",
            "this activity has started and can no longer be changed",
        )),
        _ => Ok(()),
    }
}

/// What an edit changes that the people signed up must hear about, and how many more
/// places it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Changes {
    pub time: bool,
    pub place: bool,
    /// Places nobody holds after the edit: the waitlist moves up into as many.
    pub free_places: u32,
}

/// Checks an edit against the activity as it stands (its row locked) and says what it
/// changes. `position` and `address` are where the draft's place resolved to.
pub fn plan(
    current: &LockedActivity,
    draft: &ActivityDraft,
    position: Coordinates,
    address: &str,
) -> Result<Changes, AppError> {
    let organization = match current.organizer {
        Organizer::Organization(o) => Some(o),
        Organizer::Community(_) => None,
    };
    if draft.organization != organization {
        return Err(AppError::Invalid(vec![FieldError::new(
            "organization_id",
            "活动的举办方不能更改；请取消后由新的举办方重新发布",
            "cannot change: cancel the activity and let the new organizer publish it",
        )]));
    }
    if current.facts.status == ActivityStatus::Published && !draft.publish {
        return Err(AppError::conflict(
            "已发布的活动不能改回草稿；不办了请取消活动",
            "a published activity cannot go back to draft; cancel it instead",
        ));
    }
    if draft.places < current.facts.confirmed {
        return Err(AppError::Conflict(Message::owned(
            format!(
                "已有 {} 位志愿者报名成功，名额不能少于 {}；要减少请先与志愿者商量，由他们取消报名",
                current.facts.confirmed, current.facts.confirmed
            ),
            format!(
                "{} volunteers already have a place, so places cannot drop below {}; ask volunteers to cancel first",
                current.facts.confirmed, current.facts.confirmed
            ),
        )));
    }
    Ok(Changes {
        time: draft.starts_at != current.facts.starts_at || draft.ends_at != current.facts.ends_at,
        place: draft.place != current.place || position != current.position || address != current.address,
        free_places: draft.places.saturating_sub(current.facts.confirmed),
    })
}

/// What the people signed up are told about a new time or place.
pub fn change_notice(title: &Message, changes: Changes, starts_at: Millis, ends_at: Millis, address: &str) -> Message {
    let when = when_words(starts_at, ends_at);
    match (changes.time, changes.place) {
        (true, true) => Message::owned(
            format!(
                "「{}」改了时间和地点：{}，{address}。去不了的话，请在活动页面取消报名。",
                title.zh, when.zh
            ),
            format!(
                "“{}” has a new time and place: {}, {address}. If you cannot come, cancel on its page.",
                title.en, when.en
            ),
        ),
        (true, false) => Message::owned(
            format!(
                "「{}」改了时间：{}。去不了的话，请在活动页面取消报名。",
                title.zh, when.zh
            ),
            format!(
                "“{}” has a new time: {}. If you cannot come, cancel on its page.",
                title.en, when.en
            ),
        ),
        _ => Message::owned(
            format!("「{}」改了地点：{address}（时间不变：{}）。", title.zh, when.zh),
            format!("“{}” has a new place: {address} (same time: {}).", title.en, when.en),
        ),
    }
}

fn stale() -> AppError {
    AppError::conflict(
        "这个活动刚被别人修改过，请重新打开后再改",
        "the activity was changed since you opened it; reload it and edit again",
    )
}

impl Activities<'_> {
    /// Replaces an activity's fields with `input`, for its organizers, until it starts.
    /// `from_revision`, when given, must still be current. Everyone holding a place or a
    /// ticket hears of a new time or place; more places promote the waitlist in order.
    pub async fn edit(
        &self,
        who: &Principal,
        id: ActivityId,
        input: &ActivityInput,
        from_revision: Option<i64>,
    ) -> Result<Activity, AppError> {
        let mut unit = self.store.begin_activities().await?;
        let current = self.organized(unit.as_mut(), who, id).await?;
        if from_revision.is_some_and(|r| r != current.revision) {
            return Err(stale());
        }
        may_edit(&current.facts, self.now)?;
        let draft = input.check(self.now)?;
        let communities = match current.organizer {
            Organizer::Organization(o) => self.publishing(unit.as_mut(), o).await?,
            Organizer::Community(c) => vec![c],
        };
        let (community, position, address) = self.resolve_place(unit.as_mut(), &draft, &communities).await?;
        let changes = plan(&current, &draft, position, &address)?;
        unit.update_activity(
            id,
            &NewActivity {
                draft: &draft,
                organizer: current.organizer,
                community,
                position,
                address: address.clone(),
                by: who.person,
                now: self.now,
            },
        )
        .await?;
        if current.facts.status == ActivityStatus::Published && (changes.time || changes.place) {
            let holders = unit.holders(id).await?;
            let title = Message::owned(
                draft.title_zh.clone(),
                draft.title_en.clone().unwrap_or_else(|| draft.title_zh.clone()),
            );
            let text = change_notice(&title, changes, draft.starts_at, draft.ends_at, &address);
            unit.notify(&holders, "activity-changed", &text, &link(id), self.now)
                .await?;
        }
        for _ in 0..changes.free_places {
            let Some(promoted) = unit.promote_first(id, self.now).await? else {
                break;
            };
            let text = promoted_notice(&current.title, draft.starts_at);
            unit.notify(&[promoted], "activity-promoted", &text, &link(id), self.now)
                .await?;
        }
        unit.commit().await?;
        self.store.activity(id).await?.ok_or_else(not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activities::signup::SignupFacts;
    use crate::activities::{ActivityKind, Skill};
    use crate::calendar::parse_rfc3339;
    use crate::ids::{GridUnitId, OrganizationId};

    fn at(rfc3339: &str) -> Millis {
        parse_rfc3339(rfc3339).unwrap()
    }

    const NOW: &str = "2026-12-10T10:00:00+08:00";

    fn activity() -> Activity {
        let position = Coordinates::new(30.64, 104.05).unwrap();
        Activity {
            id: ActivityId::new(7).unwrap(),
            organizer: Organizer::Organization(OrganizationId::new(3).unwrap()),
            organizer_name: Message::fixed("乐龄社工", "Leling Social Work"),
            community: GridUnitId::new(1).unwrap(),
            place: GridUnitId::new(12).unwrap(),
            place_name: Message::fixed("玉林社区 · 3 号院", "Yulin · Courtyard 3"),
            address: "玉林北路 3 号".into(),
            position,
            kind: ActivityKind::ElderVisit,
            title: Message::fixed("探访独居老人", "Visiting older residents"),
            description: Message::fixed("陪老人聊天。", "陪老人聊天。"),
            starts_at: at("2026-12-20T09:00:00+08:00"),
            ends_at: at("2026-12-20T11:30:00+08:00"),
            signup_deadline: at("2026-12-20T09:00:00+08:00"),
            places: 4,
            confirmed: 4,
            waitlisted: 2,
            skills: vec![Skill::parse("first-aid").unwrap()],
            min_age: Some(18),
            status: ActivityStatus::Published,
            cancel_reason: None,
            revision: 3,
            updated_at: at(NOW),
        }
    }

    fn locked(a: &Activity) -> LockedActivity {
        LockedActivity {
            facts: SignupFacts {
                status: a.status,
                starts_at: a.starts_at,
                ends_at: a.ends_at,
                signup_deadline: a.signup_deadline,
                places: a.places,
                confirmed: a.confirmed,
            },
            organizer: a.organizer,
            community: a.community,
            title: a.title.clone(),
            place: a.place,
            position: a.position,
            address: a.address.clone(),
            revision: a.revision,
        }
    }

    fn plan_of(a: &Activity, input: &ActivityInput) -> Result<Changes, AppError> {
        let draft = input.check(at(NOW))?;
        let position = draft.position.unwrap_or(a.position);
        let address = draft.address.clone().unwrap_or_default();
        plan(&locked(a), &draft, position, &address)
    }

    #[test]
    fn an_activity_round_trips_through_its_input() {
        let a = activity();
        let input = a.to_input();
        // English that only repeats the Chinese is left out; the deadline at the start too.
        assert_eq!(input.title_en.as_deref(), Some("Visiting older residents"));
        assert_eq!(input.description_en, None);
        assert_eq!(input.signup_deadline, None);
        let draft = input.check(at(NOW)).unwrap();
        assert_eq!(draft.starts_at, a.starts_at);
        assert_eq!(draft.ends_at, a.ends_at);
        assert_eq!(draft.signup_deadline, a.signup_deadline);
        assert_eq!(
            (draft.places, draft.skills.clone(), draft.min_age),
            (4, a.skills.clone(), Some(18))
        );
        assert_eq!(plan_of(&a, &input).unwrap(), Changes::default());
    }

    #[test]
    fn a_new_time_or_place_is_news_and_more_places_move_the_waitlist_up() {
        let a = activity();
        let mut later = a.to_input();
        later.starts_at = "2026-12-20T14:00:00+08:00".into();
        later.ends_at = "2026-12-20T16:00:00+08:00".into();
        later.places = Some(6);
        assert_eq!(
            plan_of(&a, &later).unwrap(),
            Changes {
                time: true,
                place: false,
                free_places: 2
            }
        );
        let mut elsewhere = a.to_input();
        elsewhere.address = Some("玉林北路 5 号".into());
        let changes = plan_of(&a, &elsewhere).unwrap();
        assert!(changes.place && !changes.time);
        let notice = change_notice(&a.title, changes, a.starts_at, a.ends_at, "玉林北路 5 号");
        assert!(notice.zh.contains("改了地点：玉林北路 5 号"), "{}", notice.zh);
        assert!(notice.en.contains("same time: Sun 20 Dec 09:00–11:30"), "{}", notice.en);
    }

    #[test]
    fn an_edit_keeps_the_organizer_the_places_taken_and_the_publication() {
        let a = activity();
        let mut fewer = a.to_input();
        fewer.places = Some(3);
        let refused = plan_of(&a, &fewer).unwrap_err();
        assert!(
            matches!(&refused, AppError::Conflict(m) if m.zh.contains("已有 4 位")),
            "{refused:?}"
        );
        let mut other = a.to_input();
        other.organization_id = Some(4);
        assert!(matches!(plan_of(&a, &other), Err(AppError::Invalid(f)) if f[0].field == "organization_id"));
        let mut back = a.to_input();
        back.draft = true;
        assert!(matches!(plan_of(&a, &back), Err(AppError::Conflict(_))));
        // A draft may be published by an edit.
        let mut draft = activity();
        draft.status = ActivityStatus::Draft;
        draft.confirmed = 0;
        let mut publish = draft.to_input();
        publish.draft = false;
        assert!(plan_of(&draft, &publish).is_ok());
    }

    #[test]
    fn only_what_has_not_started_or_ended_changes() {
        let mut facts = locked(&activity()).facts;
        assert!(may_edit(&facts, at(NOW)).is_ok());
        assert!(may_edit(&facts, facts.starts_at).is_err());
        facts.status = ActivityStatus::Cancelled;
        assert!(may_edit(&facts, at(NOW)).is_err());
        facts.status = ActivityStatus::Finished;
        assert!(may_edit(&facts, at(NOW)).is_err());
    }
}
