//! A request's life, as a pure state machine (../shared/DOMAIN.md, "Request lifecycle"):
//!
//! ```text
//! submitted ─accept→ accepted ─schedule→ scheduled ─complete→ completed
//!     │                 │  ↑                 │ ↺ reschedule      │
//!     └─decline→ declined   └─────reopen (within 7 days)─────────┘
//! submitted | accepted | scheduled ─cancel→ cancelled (by the resident or family)
//! ```
//!
//! [`next`] is the only place a status changes. The store applies its answer as a
//! conditional update (`… WHERE status = <the status it was decided from>`) in the same
//! transaction as the timeline event, so two people acting at once give one change and
//! a 409 for the other, and the timeline always explains the status ([`replay`]).

use crate::error::AppError;
use crate::message::Message;
use serde::{Deserialize, Serialize};

/// Days after completion within which a resident may say "not solved".
pub const REOPEN_DAYS: i64 = 7;
const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Submitted,
    Accepted,
    Declined,
    Scheduled,
    Completed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Submitted,
        Status::Accepted,
        Status::Declined,
        Status::Scheduled,
        Status::Completed,
        Status::Cancelled,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Scheduled => "scheduled",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The words a resident sees.
    pub fn words(self) -> Message {
        let (zh, en) = match self {
            Status::Submitted => ("已提交，等待机构回复", "submitted, waiting for the organization"),
            Status::Accepted => ("机构已接受", "accepted"),
            Status::Declined => ("机构已婉拒", "declined"),
            Status::Scheduled => ("已约定上门时间", "scheduled"),
            Status::Completed => ("服务已完成", "completed"),
            Status::Cancelled => ("已取消", "cancelled"),
        };
        Message::fixed(zh, en)
    }

    /// Nothing more happens to it (a completed request may still be reopened or rated).
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Declined | Status::Completed | Status::Cancelled)
    }

    /// Still waiting on the organization: what its inbox calls open.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Submitted | Status::Accepted | Status::Scheduled)
    }
}

/// Who acts on a request. The use case decides which side a caller is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The resident it is for, or the family member acting for them.
    Requester,
    /// A member of the organization offering the service.
    Provider,
}

/// What someone does to a request. Reasons and times are checked values by now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Action {
    Accept,
    Decline {
        reason: String,
    },
    /// Agrees a time, epoch milliseconds (again: moves it).
    Schedule {
        at: i64,
    },
    Complete,
    Cancel {
        reason: Option<String>,
    },
    /// "Not solved": back to the organization.
    Reopen {
        reason: String,
    },
}

impl Action {
    pub fn slug(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Decline { .. } => "decline",
            Action::Schedule { .. } => "schedule",
            Action::Complete => "complete",
            Action::Cancel { .. } => "cancel",
            Action::Reopen { .. } => "reopen",
        }
    }

    /// Who may do it.
    pub fn side(&self) -> Side {
        match self {
            Action::Cancel { .. } | Action::Reopen { .. } => Side::Requester,
            _ => Side::Provider,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Action::Decline { reason } | Action::Reopen { reason } => Some(reason),
            Action::Cancel { reason } => reason.as_deref(),
            _ => None,
        }
    }

    pub fn scheduled_for(&self) -> Option<i64> {
        match self {
            Action::Schedule { at } => Some(*at),
            _ => None,
        }
    }
}

/// Why an action was refused: the caller is on the wrong side (403), or the request is
/// not in a state that allows it (409).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    WrongSide,
    NotNow {
        status: Status,
        action: &'static str,
    },
    /// Reopening more than [`REOPEN_DAYS`] after completion.
    TooLate,
}

impl From<Refused> for AppError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::WrongSide => AppError::Forbidden,
            Refused::NotNow { status, action } => {
                let (zh_action, en_action) = action_words(action);
                let now = status.words();
                AppError::Conflict(Message::owned(
                    format!("这个请求现在是「{}」，不能{zh_action}", now.zh),
                    format!("the request is {}; it cannot be {en_action}", status.slug()),
                ))
            }
            Refused::TooLate => AppError::conflict(
                "服务完成已超过 7 天，不能再重新打开；如仍有问题请联系社区",
                "it is more than 7 days since the service was completed; it can no longer be reopened",
            ),
        }
    }
}

fn action_words(action: &str) -> (&'static str, &'static str) {
    match action {
        "accept" => ("接受", "accepted"),
        "decline" => ("婉拒", "declined"),
        "schedule" => ("约定时间", "scheduled"),
        "complete" => ("标记完成", "completed"),
        "cancel" => ("取消", "cancelled"),
        _ => ("重新打开", "reopened"),
    }
}

/// The status `action` by `side` leads to from `status`, or why it may not happen.
/// `completed_at` and `now` decide whether a completed request may still be reopened.
pub fn next(
    status: Status,
    action: &Action,
    side: Side,
    completed_at: Option<i64>,
    now: i64,
) -> Result<Status, Refused> {
    use Status::*;
    if action.side() != side {
        return Err(Refused::WrongSide);
    }
    let not_now = || Refused::NotNow {
        status,
        action: action.slug(),
    };
    match (action, status) {
        (Action::Accept, Submitted) => Ok(Accepted),
        (Action::Decline { .. }, Submitted) => Ok(Declined),
        (Action::Schedule { .. }, Accepted | Scheduled) => Ok(Scheduled),
        (Action::Complete, Scheduled) => Ok(Completed),
        (Action::Cancel { .. }, Submitted | Accepted | Scheduled) => Ok(Cancelled),
        (Action::Reopen { .. }, Completed) => match completed_at {
            Some(done) if now - done <= REOPEN_DAYS * DAY_MS => Ok(Accepted),
            _ => Err(Refused::TooLate),
        },
        _ => Err(not_now()),
    }
}

/// The status a timeline of actions leads to from submission, or `None` when one of
/// them could not have happened: the check that a timeline explains its request.
pub fn replay<'a>(actions: impl IntoIterator<Item = &'a Action>) -> Option<Status> {
    actions.into_iter().try_fold(Status::Submitted, |status, action| {
        // Time is not replayed: a reopen in the timeline was allowed when it happened.
        next(status, action, action.side(), Some(0), 0).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_action() -> impl Strategy<Value = Action> {
        prop_oneof![
            Just(Action::Accept),
            Just(Action::Decline {
                reason: "满员".into()
            }),
            (0i64..1_000).prop_map(|at| Action::Schedule { at }),
            Just(Action::Complete),
            Just(Action::Cancel { reason: None }),
            Just(Action::Reopen {
                reason: "没解决".into()
            }),
        ]
    }

    fn any_side() -> impl Strategy<Value = Side> {
        prop_oneof![Just(Side::Requester), Just(Side::Provider)]
    }

    #[test]
    fn the_happy_path_and_its_refusals() {
        let s = next(Status::Submitted, &Action::Accept, Side::Provider, None, 0).unwrap();
        assert_eq!(s, Status::Accepted);
        assert_eq!(
            next(s, &Action::Accept, Side::Provider, None, 0),
            Err(Refused::NotNow {
                status: Status::Accepted,
                action: "accept"
            })
        );
        assert_eq!(
            next(s, &Action::Schedule { at: 5 }, Side::Requester, None, 0),
            Err(Refused::WrongSide)
        );
        let s = next(s, &Action::Schedule { at: 5 }, Side::Provider, None, 0).unwrap();
        let s = next(s, &Action::Schedule { at: 9 }, Side::Provider, None, 0).unwrap();
        let s = next(s, &Action::Complete, Side::Provider, None, 0).unwrap();
        assert_eq!(s, Status::Completed);
        assert_eq!(
            next(s, &Action::Cancel { reason: None }, Side::Requester, None, 0),
            Err(Refused::NotNow {
                status: Status::Completed,
                action: "cancel"
            })
        );
    }

    #[test]
    fn reopening_is_for_seven_days_after_completion() {
        let reopen = Action::Reopen {
            reason: "没修好".into(),
        };
        let done = 1_000;
        assert_eq!(
            next(
                Status::Completed,
                &reopen,
                Side::Requester,
                Some(done),
                done + 7 * DAY_MS
            ),
            Ok(Status::Accepted)
        );
        assert_eq!(
            next(
                Status::Completed,
                &reopen,
                Side::Requester,
                Some(done),
                done + 7 * DAY_MS + 1
            ),
            Err(Refused::TooLate)
        );
        assert_eq!(
            next(Status::Completed, &reopen, Side::Provider, Some(done), done),
            Err(Refused::WrongSide)
        );
    }

    #[test]
    fn refusals_say_what_is_wrong_in_both_languages() {
        let e: AppError = Refused::NotNow {
            status: Status::Declined,
            action: "accept",
        }
        .into();
        assert_eq!(e.code(), crate::error::ErrorCode::Conflict);
        assert!(e.message(crate::lang::Lang::Zh).contains("机构已婉拒"));
        assert!(e
            .message(crate::lang::Lang::En)
            .contains("declined; it cannot be accepted"));
        assert_eq!(AppError::from(Refused::WrongSide), AppError::Forbidden);
    }

    proptest! {
        /// Whatever anyone tries, in any order: closed states stay closed (but for a
        /// reopen), each status is reached only by its own action, and the actions that
        /// were allowed, replayed, explain the status.
        #[test]
        fn no_sequence_of_calls_reaches_an_illegal_state(
            attempts in proptest::collection::vec((any_action(), any_side()), 0..40)
        ) {
            let mut status = Status::Submitted;
            let mut timeline: Vec<Action> = Vec::new();
            for (action, side) in attempts {
                match next(status, &action, side, Some(0), 0) {
                    Ok(to) => {
                        prop_assert_eq!(side, action.side());
                        let by_its_own_action = match to {
                            Status::Accepted => matches!(action, Action::Accept | Action::Reopen { .. }),
                            Status::Declined => matches!(action, Action::Decline { .. }),
                            Status::Scheduled => matches!(action, Action::Schedule { .. }),
                            Status::Completed => matches!(action, Action::Complete),
                            Status::Cancelled => matches!(action, Action::Cancel { .. }),
                            Status::Submitted => false,
                        };
                        prop_assert!(by_its_own_action, "{:?} led to {:?}", action, to);
                        prop_assert!(
                            !matches!(status, Status::Declined | Status::Cancelled),
                            "{:?} is final", status
                        );
                        timeline.push(action);
                        status = to;
                    }
                    Err(Refused::WrongSide) => prop_assert_ne!(side, action.side()),
                    Err(Refused::NotNow { status: s, .. }) => prop_assert_eq!(s, status),
                    Err(Refused::TooLate) => prop_assert!(false, "within the window"),
                }
                prop_assert_eq!(replay(&timeline), Some(status));
            }
        }
    }
}
