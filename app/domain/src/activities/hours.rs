//! Attended time and the star levels of China's volunteer service records.
//!
//! Attended time runs from check-in to check-out, clipped to the activity's scheduled
//! time: arriving early or leaving late does not count beyond it, so hours are capped at
//! the activity's length. With no check-out, time runs to the scheduled end and is
//! flagged for the organizer to confirm. Times are instants (epoch milliseconds), so an
//! activity crossing midnight is no special case.

use crate::accounts::store::Millis;
use crate::error::AppError;
use crate::message::Message;
use crate::validation::{paragraph, FieldError};
use serde::{Deserialize, Serialize};

/// Whole minutes from `from` to `to`; none when `to` is not after `from`.
pub fn minutes_between(from: Millis, to: Millis) -> u32 {
    u32::try_from((to - from).max(0) / 60_000).unwrap_or(u32::MAX)
}

/// Time attended at one activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attended {
    pub minutes: u32,
    /// No check-out was recorded: the time ran to the scheduled end, for the organizer
    /// to confirm.
    pub to_confirm: bool,
}

/// The time attended between check-in and check-out, within the scheduled time.
pub fn attended(scheduled: (Millis, Millis), checked_in: Millis, checked_out: Option<Millis>) -> Attended {
    let (starts_at, ends_at) = scheduled;
    let from = checked_in.max(starts_at);
    let to = checked_out.unwrap_or(ends_at).min(ends_at);
    Attended {
        minutes: minutes_between(from, to),
        to_confirm: checked_out.is_none(),
    }
}

pub const CORRECTION_REASON_MAX: usize = 200;

/// An organizer's correction of attended time: at most the activity's length, with a
/// reason (it is audited).
pub fn correction(activity_minutes: u32, minutes: i64, reason: &str) -> Result<(u32, String), AppError> {
    let mut refused = Vec::new();
    let minutes = match u32::try_from(minutes) {
        Ok(m) if m <= activity_minutes => Some(m),
        _ => {
            refused.push(FieldError::with(
                "minutes",
                Message::owned(
                    format!("须在 0 到 {activity_minutes} 分钟之间（活动时长）"),
                    format!("must be 0 to {activity_minutes} minutes (the activity's length)"),
                ),
            ));
            None
        }
    };
    let reason = paragraph("reason", reason, CORRECTION_REASON_MAX)
        .map_err(|e| refused.push(e))
        .ok();
    match (minutes, reason) {
        (Some(m), Some(r)) => Ok((m, r)),
        _ => Err(AppError::Invalid(refused)),
    }
}

/// Recorded hours at which each star is reached (one star at 100 hours … five at 1,500),
/// as in China's volunteer service records (《志愿服务记录与证明出具办法》 star ratings).
pub const STAR_HOURS: [u32; 5] = [100, 300, 600, 1_000, 1_500];

/// The star level (0 to 5) of a volunteer with this many approved minutes.
pub fn star_level(minutes: u64) -> u8 {
    let hours = minutes / 60;
    STAR_HOURS.iter().filter(|h| hours >= u64::from(**h)).count() as u8
}

/// The hours at which the next star is reached, if there is one.
pub fn next_star_hours(minutes: u64) -> Option<u32> {
    let hours = minutes / 60;
    STAR_HOURS.into_iter().find(|h| hours < u64::from(*h))
}

/// Minutes as people say them: "3 小时 20 分" / "3 h 20 min".
pub fn hours_words(minutes: u64) -> Message {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => Message::owned(format!("{m} 分钟"), format!("{m} min")),
        (h, 0) => Message::owned(format!("{h} 小时"), format!("{h} h")),
        (h, m) => Message::owned(format!("{h} 小时 {m} 分"), format!("{h} h {m} min")),
    }
}
