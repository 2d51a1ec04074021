//! Who gets a place and who waits. Pure: the store reads the facts with the activity's
//! row locked, asks these functions, and writes what they decide in the same
//! transaction, so the rule is tested here and the database keeps it under concurrency.
//!
//! The waitlist is a queue of tickets: each waitlisted sign-up takes the activity's next
//! ticket number, and a volunteer's position is how many waitlisted tickets are at or
//! before theirs. Cancelling a confirmed place promotes the lowest ticket.

use super::ActivityStatus;
use crate::accounts::store::Millis;
use crate::error::AppError;
use crate::message::Message;
use serde::{Deserialize, Serialize};

/// Where one person stands with one activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignupStatus {
    Confirmed,
    Waitlisted,
    Cancelled,
}

impl SignupStatus {
    pub fn slug(self) -> &'static str {
        match self {
            SignupStatus::Confirmed => "confirmed",
            SignupStatus::Waitlisted => "waitlisted",
            SignupStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        [
            SignupStatus::Confirmed,
            SignupStatus::Waitlisted,
            SignupStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.slug() == slug)
    }

    pub fn holds_a_place(self) -> bool {
        matches!(self, SignupStatus::Confirmed | SignupStatus::Waitlisted)
    }
}

/// What the rules need to know about the activity, read with its row locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignupFacts {
    pub status: ActivityStatus,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub signup_deadline: Millis,
    pub places: u32,
    pub confirmed: u32,
}

/// Another activity the person already holds a place in at the same time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub title: Message,
    pub starts_at: Millis,
}

/// Decides a sign-up: a place while there is one, else the waitlist.
pub fn sign_up(
    facts: &SignupFacts,
    mine: Option<SignupStatus>,
    clash: Option<&Clash>,
    now: Millis,
) -> Result<SignupStatus, AppError> {
    match facts.status {
        ActivityStatus::Published => {}
        ActivityStatus::Cancelled => {
            return Err(AppError::conflict(
                "这个活动已经取消了",
                "this activity has been cancelled",
            ))
        }
        ActivityStatus::Finished => return Err(AppError::conflict("这个活动已经结束了", "this activity has finished")),
        ActivityStatus::Draft => return Err(AppError::not_found("活动", "activity")),
    }
    if now >= facts.starts_at {
        return Err(AppError::conflict(
            "活动已经开始，不能再报名",
            "this activity has already started",
        ));
    }
    if now >= facts.signup_deadline {
        return Err(AppError::conflict(
            "报名已经截止",
            "sign-ups for this activity have closed",
        ));
    }
    match mine {
        Some(SignupStatus::Confirmed) => {
            return Err(AppError::conflict(
                "您已经报名了这个活动",
                "you already have a place in this activity",
            ))
        }
        Some(SignupStatus::Waitlisted) => {
            return Err(AppError::conflict(
                "您已经在这个活动的候补名单上",
                "you are already on this activity's waitlist",
            ))
        }
        Some(SignupStatus::Cancelled) | None => {}
    }
    if let Some(clash) = clash {
        let at = crate::calendar::local_time(clash.starts_at);
        return Err(AppError::Conflict(Message::owned(
            format!("时间冲突：您已报名同一时间的「{}」（{at}）", clash.title.zh),
            format!(
                "this overlaps “{}” ({at}), which you have signed up for",
                clash.title.en
            ),
        )));
    }
    Ok(if facts.confirmed < facts.places {
        SignupStatus::Confirmed
    } else {
        SignupStatus::Waitlisted
    })
}

/// What cancelling a sign-up does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancellation {
    /// A confirmed place was freed.
    pub freed_place: bool,
    /// The first on the waitlist takes it.
    pub promote: bool,
}

/// Decides a cancellation by the volunteer. Allowed until the activity starts; a freed
/// place goes to the first on the waitlist while the activity is still to come.
pub fn cancel(facts: &SignupFacts, mine: Option<SignupStatus>, now: Millis) -> Result<Cancellation, AppError> {
    let freed_place = match mine {
        Some(SignupStatus::Confirmed) => true,
        Some(SignupStatus::Waitlisted) => false,
        Some(SignupStatus::Cancelled) | None => {
            return Err(AppError::conflict(
                "您没有报名这个活动",
                "you have not signed up for this activity",
            ))
        }
    };
    if now >= facts.starts_at && facts.status == ActivityStatus::Published {
        return Err(AppError::conflict(
            "活动已经开始，不能在这里取消；请直接联系组织方",
            "this activity has started; tell the organizer instead",
        ));
    }
    Ok(Cancellation {
        freed_place,
        promote: freed_place && facts.status == ActivityStatus::Published && now < facts.starts_at,
    })
}

/// Whether two activities' times overlap (touching ends do not: 9–11 and 11–12 are fine).
pub fn overlaps(a: (Millis, Millis), b: (Millis, Millis)) -> bool {
    a.0 < b.1 && b.0 < a.1
}
