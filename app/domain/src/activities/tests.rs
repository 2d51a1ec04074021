use super::hours::*;
use super::input::*;
use super::roster::Roster;
use super::search::*;
use super::signup::*;
use super::*;
use crate::calendar::{parse_rfc3339, DAY_MS};
use crate::error::AppError;
use crate::ids::PersonId;
use proptest::prelude::*;

const HOUR: i64 = 3_600_000;

fn at(rfc3339: &str) -> i64 {
    parse_rfc3339(rfc3339).unwrap()
}

fn person(n: i64) -> PersonId {
    PersonId::new(n).unwrap()
}

fn facts(places: u32) -> SignupFacts {
    SignupFacts {
        status: ActivityStatus::Published,
        starts_at: at("2026-12-20T09:00:00+08:00"),
        ends_at: at("2026-12-20T11:30:00+08:00"),
        signup_deadline: at("2026-12-19T18:00:00+08:00"),
        places,
        confirmed: 0,
    }
}

const NOW: &str = "2026-12-10T10:00:00+08:00";

fn input() -> ActivityInput {
    ActivityInput {
        title_zh: "探访独居老人".into(),
        description_zh: "陪老人聊天，帮忙看看家里有什么需要。".into(),
        kind: "elder-visit".into(),
        place_id: Some(12),
        starts_at: "2026-12-20T09:00:00+08:00".into(),
        ends_at: "2026-12-20T11:30".into(),
        places: Some(10),
        skills: vec!["companionship".into(), "first-aid".into()],
        ..ActivityInput::default()
    }
}

fn refused_fields(e: AppError) -> Vec<String> {
    e.fields().iter().map(|f| f.field.clone()).collect()
}

#[test]
fn a_good_activity_checks_and_takes_both_time_forms() {
    let draft = input().check(at(NOW)).unwrap();
    assert_eq!(draft.starts_at, at("2026-12-20T09:00:00+08:00"));
    // A form's datetime-local is Chengdu time.
    assert_eq!(draft.ends_at, at("2026-12-20T11:30:00+08:00"));
    assert_eq!(
        draft.signup_deadline, draft.starts_at,
        "the deadline defaults to the start"
    );
    assert_eq!(draft.skills, vec![Skill::Companionship, Skill::FirstAid]);
    assert!(draft.publish);
    assert!(!ActivityInput { draft: true, ..input() }.check(at(NOW)).unwrap().publish);
}

#[test]
fn every_refusal_is_reported_at_once() {
    let bad = ActivityInput {
        title_zh: " ".into(),
        kind: "party".into(),
        place_id: None,
        starts_at: "2026-12-01T09:00:00+08:00".into(),
        ends_at: "tomorrow".into(),
        places: Some(0),
        skills: vec!["juggling".into()],
        min_age: Some(9),
        ..input()
    };
    let fields = refused_fields(bad.check(at(NOW)).unwrap_err());
    for f in [
        "title_zh",
        "kind",
        "place_id",
        "starts_at",
        "ends_at",
        "places",
        "skills",
        "min_age",
    ] {
        assert!(fields.contains(&f.to_string()), "{f} not refused in {fields:?}");
    }
}

#[test]
fn times_must_make_sense() {
    let ends_first = ActivityInput {
        ends_at: "2026-12-20T08:00:00+08:00".into(),
        ..input()
    };
    assert_eq!(refused_fields(ends_first.check(at(NOW)).unwrap_err()), ["ends_at"]);
    let two_days = ActivityInput {
        ends_at: "2026-12-21T09:30:00+08:00".into(),
        ..input()
    };
    assert_eq!(refused_fields(two_days.check(at(NOW)).unwrap_err()), ["ends_at"]);
    let overnight = ActivityInput {
        starts_at: "2026-12-20T22:00:00+08:00".into(),
        ends_at: "2026-12-21T06:00:00+08:00".into(),
        ..input()
    };
    assert!(overnight.check(at(NOW)).is_ok(), "crossing midnight is fine");
    let late_deadline = ActivityInput {
        signup_deadline: Some("2026-12-20T10:00:00+08:00".into()),
        ..input()
    };
    assert_eq!(
        refused_fields(late_deadline.check(at(NOW)).unwrap_err()),
        ["signup_deadline"]
    );
    let next_year = ActivityInput {
        starts_at: "2028-01-20T09:00:00+08:00".into(),
        ends_at: "2028-01-20T10:00:00+08:00".into(),
        ..input()
    };
    assert_eq!(refused_fields(next_year.check(at(NOW)).unwrap_err()), ["starts_at"]);
}

#[test]
fn a_place_while_there_is_one_then_the_waitlist() {
    let now = at(NOW);
    let mut f = facts(2);
    assert_eq!(sign_up(&f, None, None, now).unwrap(), SignupStatus::Confirmed);
    f.confirmed = 2;
    assert_eq!(sign_up(&f, None, None, now).unwrap(), SignupStatus::Waitlisted);
    // Someone who cancelled may sign up again.
    assert_eq!(
        sign_up(&f, Some(SignupStatus::Cancelled), None, now).unwrap(),
        SignupStatus::Waitlisted
    );
}

#[test]
fn sign_ups_are_refused_clearly() {
    let now = at(NOW);
    let f = facts(2);
    let conflict = |r: Result<SignupStatus, AppError>| match r {
        Err(AppError::Conflict(m)) => m.zh.into_owned(),
        other => panic!("expected a conflict, got {other:?}"),
    };
    assert!(conflict(sign_up(&f, Some(SignupStatus::Confirmed), None, now)).contains("已经报名"));
    assert!(conflict(sign_up(&f, Some(SignupStatus::Waitlisted), None, now)).contains("候补"));
    assert!(conflict(sign_up(&f, None, None, f.signup_deadline)).contains("截止"));
    assert!(conflict(sign_up(&f, None, None, f.starts_at)).contains("开始"));
    let cancelled = SignupFacts {
        status: ActivityStatus::Cancelled,
        ..f
    };
    assert!(conflict(sign_up(&cancelled, None, None, now)).contains("取消"));
    let clash = Clash {
        title: crate::message::Message::fixed("送餐", "Meals"),
        starts_at: at("2026-12-20T10:00:00+08:00"),
    };
    let words = conflict(sign_up(&f, None, Some(&clash), now));
    assert!(words.contains("送餐") && words.contains("2026-12-20 10:00"), "{words}");
    let draft = SignupFacts {
        status: ActivityStatus::Draft,
        ..f
    };
    assert!(matches!(
        sign_up(&draft, None, None, now),
        Err(AppError::NotFound { .. })
    ));
}

#[test]
fn overlap_is_strict() {
    assert!(overlaps((9, 11), (10, 12)));
    assert!(overlaps((9, 12), (10, 11)));
    assert!(!overlaps((9, 11), (11, 12)), "touching ends do not overlap");
    assert!(!overlaps((13, 14), (9, 11)));
}

#[test]
fn cancelling_frees_a_place_for_the_first_in_line() {
    let now = at(NOW);
    let mut roster = Roster::new(facts(2));
    for n in 1..=5 {
        roster.sign_up(person(n), now).unwrap();
    }
    assert_eq!(roster.confirmed(), [person(1), person(2)]);
    assert_eq!(roster.waitlist(), [person(3), person(4), person(5)]);
    assert_eq!(roster.standing(person(4)).unwrap().position, Some(2));
    // A waitlisted person leaving promotes nobody, and those behind move up.
    assert_eq!(roster.cancel(person(3), now).unwrap(), None);
    assert_eq!(roster.standing(person(4)).unwrap().position, Some(1));
    // A confirmed person leaving promotes the first in line.
    assert_eq!(roster.cancel(person(1), now).unwrap(), Some(person(4)));
    assert_eq!(roster.standing(person(4)).unwrap().status, SignupStatus::Confirmed);
    assert_eq!(roster.standing(person(5)).unwrap().position, Some(1));
    assert!(roster.cancel(person(1), now).is_err(), "nothing left to cancel");
    // After the start nobody cancels here (the organizer marks no-shows).
    assert!(roster.cancel(person(2), roster.facts.starts_at).is_err());
}

#[derive(Debug, Clone)]
enum Step {
    SignUp(i64),
    Cancel(i64),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            3 => (1..=12i64).prop_map(Step::SignUp),
            2 => (1..=12i64).prop_map(Step::Cancel),
        ],
        0..60,
    )
}

proptest! {
    /// Whatever happens: never more confirmed than places, a waitlist only while full,
    /// positions 1, 2, 3 … in line order, and a freed place taken by the first in line.
    #[test]
    fn the_roster_keeps_its_promises(places in 1u32..5, steps in steps()) {
        let now = at(NOW);
        let mut roster = Roster::new(facts(places));
        for step in steps {
            let line_before = roster.waitlist();
            match step {
                Step::SignUp(n) => { let _ = roster.sign_up(person(n), now); }
                Step::Cancel(n) => {
                    let was_confirmed = roster.standing(person(n)).map(|s| s.status) == Some(SignupStatus::Confirmed);
                    if let Ok(promoted) = roster.cancel(person(n), now) {
                        let first = line_before.first().copied();
                        prop_assert_eq!(promoted, if was_confirmed { first } else { None });
                    }
                }
            }
            let confirmed = roster.confirmed();
            prop_assert!(confirmed.len() as u32 <= places);
            prop_assert_eq!(confirmed.len() as u32, roster.facts.confirmed);
            let line = roster.waitlist();
            prop_assert!(line.is_empty() || confirmed.len() as u32 == places);
            for (i, p) in line.iter().enumerate() {
                prop_assert_eq!(roster.standing(*p).unwrap().position, Some(i as u32 + 1));
            }
        }
    }
}

#[test]
fn attended_time_is_clipped_to_the_schedule() {
    let start = at("2026-12-20T09:00:00+08:00");
    let end = at("2026-12-20T11:30:00+08:00");
    // Early and late count from the start to the end only.
    assert_eq!(attended((start, end), start - HOUR, Some(end + HOUR)).minutes, 150);
    // Late arrival, early departure.
    let a = attended((start, end), start + 20 * 60_000, Some(end - 10 * 60_000));
    assert_eq!((a.minutes, a.to_confirm), (120, false));
    // No check-out: to the scheduled end, flagged.
    let b = attended((start, end), start + 30 * 60_000, None);
    assert_eq!((b.minutes, b.to_confirm), (120, true));
    // Checked out before checking in (a clock fault): nothing, never negative.
    assert_eq!(attended((start, end), start + HOUR, Some(start)).minutes, 0);
}

#[test]
fn attended_time_crosses_midnight() {
    let start = at("2026-12-31T22:00:00+08:00");
    let end = at("2027-01-01T02:00:00+08:00");
    assert_eq!(attended((start, end), start, Some(end)).minutes, 240);
    assert_eq!(
        attended((start, end), at("2026-12-31T23:30:00+08:00"), None).minutes,
        150
    );
    assert_eq!(minutes_between(start, end), 240);
    assert!(end - start < DAY_MS);
}

#[test]
fn corrections_are_bounded_and_give_a_reason() {
    assert_eq!(correction(150, 90, " 提前离开 ").unwrap(), (90, "提前离开".to_owned()));
    assert_eq!(correction(150, 150, "全程在场").unwrap().0, 150);
    let fields = refused_fields(correction(150, 151, "").unwrap_err());
    assert_eq!(fields, ["minutes", "reason"]);
    assert_eq!(refused_fields(correction(150, -1, "x").unwrap_err()), ["minutes"]);
}

#[test]
fn star_levels_follow_the_national_thresholds() {
    let h = |hours: u64| hours * 60;
    assert_eq!(star_level(0), 0);
    assert_eq!(star_level(h(100) - 1), 0);
    assert_eq!(star_level(h(100)), 1);
    assert_eq!(star_level(h(299)), 1);
    assert_eq!(star_level(h(300)), 2);
    assert_eq!(star_level(h(600)), 3);
    assert_eq!(star_level(h(1_000)), 4);
    assert_eq!(star_level(h(1_499)), 4);
    assert_eq!(star_level(h(1_500)), 5);
    assert_eq!(star_level(h(9_000)), 5);
    assert_eq!(next_star_hours(h(250)), Some(300));
    assert_eq!(next_star_hours(h(1_500)), None);
    assert_eq!(hours_words(200).zh, "3 小时 20 分");
    assert_eq!(hours_words(120).en, "2 h");
}

#[test]
fn the_search_shares_the_service_parameters_and_adds_its_own() {
    let pairs = [
        ("place", "7"),
        ("radius_m", "2000"),
        ("kind", "meal-delivery"),
        ("skill", "cooking"),
        ("from", "2026-12-12"),
        ("to", "2026-12-31"),
        ("offset", "20"),
    ];
    let p = ActivityParams::from_pairs(&pairs).unwrap();
    assert_eq!(p.kind, Some(ActivityKind::MealDelivery));
    assert_eq!(p.skill, Some(Skill::Cooking));
    assert_eq!(p.radius.get(), 2000);
    assert_eq!(p.paging.offset(), 20);
    assert_eq!(
        p.to_query_string(p.paging),
        "place=7&radius_m=2000&kind=meal-delivery&skill=cooking&from=2026-12-12&to=2026-12-31&offset=20"
    );
    let s = p.resolve(None, at(NOW));
    assert_eq!(s.starts_from, at("2026-12-12T00:00:00+08:00"));
    assert_eq!(s.starts_before, Some(at("2027-01-01T00:00:00+08:00")));
    // The past is never searched.
    let early = ActivityParams::from_pairs(&[("from", "2026-01-01")]).unwrap();
    assert_eq!(early.resolve(None, at(NOW)).starts_from, at(NOW));
    for (name, value) in [
        ("kind", "party"),
        ("skill", "x"),
        ("from", "12/12"),
        ("sort", "rating"),
        ("radius_m", "0"),
        ("lat", "30.6"),
    ] {
        let refused = ActivityParams::from_pairs(&[(name, value)]).unwrap_err();
        assert!(refused.field == name || name == "lat", "{name}: {refused:?}");
    }
    let backwards = ActivityParams::from_pairs(&[("from", "2026-12-12"), ("to", "2026-12-11")]).unwrap_err();
    assert_eq!(backwards.field, "to");
}

#[test]
fn vocabularies_round_trip() {
    for k in ActivityKind::ALL {
        assert_eq!(ActivityKind::parse(k.slug()), Some(k));
        assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.slug()));
    }
    for s in Skill::ALL {
        assert_eq!(Skill::parse(s.slug()), Some(s));
    }
    assert_eq!(
        Skill::split(&Skill::join(&[Skill::Lifting, Skill::Cooking, Skill::Lifting])),
        [Skill::Cooking, Skill::Lifting]
    );
    assert!(Skill::split("").is_empty());
    for s in ActivityStatus::ALL {
        assert_eq!(ActivityStatus::parse(s.slug()), Some(s));
    }
}

#[test]
fn times_are_said_as_people_read_them() {
    let w = when_words(at("2026-12-19T09:00:00+08:00"), at("2026-12-19T11:30:00+08:00"));
    assert_eq!(w.zh, "12月19日 周六 09:00–11:30");
    assert_eq!(w.en, "Sat 19 Dec 09:00–11:30");
    let overnight = when_words(at("2026-12-31T22:00:00+08:00"), at("2027-01-01T02:00:00+08:00"));
    assert_eq!(overnight.zh, "12月31日 周四 22:00 至 1月1日 周五 02:00");
}

mod attendance_rules {
    use super::*;
    use crate::activities::attendance::*;

    fn facts() -> AttendanceFacts {
        AttendanceFacts {
            scheduled: (at("2026-12-20T09:00:00+08:00"), at("2026-12-20T11:30:00+08:00")),
            status: SignupStatus::Confirmed,
            checked_in_at: None,
            checked_out_at: None,
            no_show: false,
            approved_minutes: None,
        }
    }

    #[test]
    fn check_in_opens_an_hour_before_and_closes_at_the_end() {
        let f = facts();
        assert!(check_in(&f, f.scheduled.0 - 61 * 60_000).is_err());
        assert_eq!(check_in(&f, f.scheduled.0 - HOUR).unwrap(), f.scheduled.0 - HOUR);
        assert!(check_in(&f, f.scheduled.1 + 1).is_err());
        let waiting = AttendanceFacts {
            status: SignupStatus::Waitlisted,
            ..f
        };
        assert!(check_in(&waiting, f.scheduled.0).is_err(), "no place, no check-in");
        let twice = AttendanceFacts {
            checked_in_at: Some(f.scheduled.0),
            ..f
        };
        assert!(check_in(&twice, f.scheduled.0 + 1).is_err());
    }

    #[test]
    fn check_out_is_clipped_and_needs_a_check_in() {
        let f = facts();
        assert!(check_out(&f, f.scheduled.1).is_err(), "not checked in");
        let inside = AttendanceFacts {
            checked_in_at: Some(f.scheduled.0 - HOUR),
            ..f
        };
        // Arrived an hour early, left an hour late: the scheduled 150 minutes.
        assert_eq!(check_out(&inside, f.scheduled.1 + HOUR).unwrap().minutes, 150);
        assert!(
            check_out(&inside, f.scheduled.1 + 3 * HOUR).is_err(),
            "closed: the organizer settles it"
        );
    }

    #[test]
    fn approval_takes_the_attended_time_or_a_bounded_correction_with_a_reason() {
        let f = facts();
        let end = f.scheduled.1;
        assert!(approve(&f, None, end).is_err(), "never checked in");
        let came = AttendanceFacts {
            checked_in_at: Some(f.scheduled.0 + 30 * 60_000),
            ..f
        };
        assert!(approve(&came, None, end - 1).is_err(), "not over yet and no check-out");
        // No check-out: to the scheduled end.
        assert_eq!(approve(&came, None, end).unwrap(), (120, None));
        assert_eq!(
            approve(&came, Some((90, "提前离开")), end).unwrap(),
            (90, Some("提前离开".into()))
        );
        assert!(
            approve(&came, Some((151, "多算")), end).is_err(),
            "beyond the activity's length"
        );
        assert!(
            approve(&came, Some((90, " ")), end).is_err(),
            "a correction needs its reason"
        );
        let done = AttendanceFacts {
            approved_minutes: Some(120),
            ..came
        };
        assert!(approve(&done, None, end).is_err());
        assert!(check_out(&done, end).is_err() && no_show(&done).is_err(), "settled");
        assert!(no_show(&came).is_err(), "who checked in is no no-show");
        assert!(no_show(&f).is_ok());
    }
}
