//! Attendance: checking in and out (by the activity's code, or marked by its organizer),
//! no-shows, and the organizer's approval of the attended time, corrected with a reason.
//! Pure: the store reads one sign-up's facts with its row locked and writes what these
//! decide.

use super::hours::{attended, correction, Attended};
use super::signup::SignupStatus;
use crate::accounts::store::Millis;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// Checking in opens this long before the start (volunteers arrive early).
pub const OPENS_BEFORE_MS: Millis = 60 * 60_000;
/// A code check-out is taken this long after the scheduled end (stragglers); later, the
/// organizer settles it.
pub const CLOSES_AFTER_MS: Millis = 2 * 60 * 60_000;
/// Wrong codes a person may try per activity in [`GUESS_WINDOW_MS`]: six digits are a
/// million codes, so guessing is hopeless at this rate.
pub const GUESSES: u64 = 5;
pub const GUESS_WINDOW_MS: Millis = 10 * 60_000;

/// One sign-up's attendance, read with its row locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceFacts {
    pub scheduled: (Millis, Millis),
    pub status: SignupStatus,
    pub checked_in_at: Option<Millis>,
    pub checked_out_at: Option<Millis>,
    pub no_show: bool,
    /// Approved minutes, once the organizer has approved them.
    pub approved_minutes: Option<u32>,
}

impl AttendanceFacts {
    /// The time attended so far (to the scheduled end while there is no check-out).
    pub fn attended(&self) -> Option<Attended> {
        self.checked_in_at
            .map(|at| attended(self.scheduled, at, self.checked_out_at))
    }
}

fn settled() -> AppError {
    AppError::conflict(
        "时长已经确认，不能再改签到",
        "the hours are approved; attendance can no longer change",
    )
}

/// A volunteer checks in (with the code, or marked arrived by the organizer).
pub fn check_in(facts: &AttendanceFacts, now: Millis) -> Result<Millis, AppError> {
    if facts.status != SignupStatus::Confirmed {
        return Err(AppError::conflict(
            "只有报名成功的志愿者才能签到",
            "only volunteers with a place can check in",
        ));
    }
    if facts.approved_minutes.is_some() {
        return Err(settled());
    }
    if facts.checked_in_at.is_some() {
        return Err(AppError::conflict("您已经签到了", "already checked in"));
    }
    let (start, end) = facts.scheduled;
    if now < start - OPENS_BEFORE_MS {
        return Err(AppError::conflict(
            "还没到签到时间（活动开始前一小时起可以签到）",
            "check-in opens an hour before the start",
        ));
    }
    if now > end {
        return Err(AppError::conflict(
            "活动已经结束，请让组织方补记",
            "the activity is over; ask the organizer to record it",
        ));
    }
    Ok(now)
}

/// A volunteer checks out; the attended time is clipped to the schedule.
pub fn check_out(facts: &AttendanceFacts, now: Millis) -> Result<Attended, AppError> {
    if facts.approved_minutes.is_some() {
        return Err(settled());
    }
    let Some(checked_in) = facts.checked_in_at else {
        return Err(AppError::conflict("还没有签到", "not checked in yet"));
    };
    if facts.checked_out_at.is_some() {
        return Err(AppError::conflict("已经签退了", "already checked out"));
    }
    if now > facts.scheduled.1 + CLOSES_AFTER_MS {
        return Err(AppError::conflict(
            "签退时间已过，时长由组织方确认",
            "check-out has closed; the organizer will confirm the time",
        ));
    }
    Ok(attended(facts.scheduled, checked_in, Some(now)))
}

/// The organizer marks a volunteer who did not come.
pub fn no_show(facts: &AttendanceFacts) -> Result<(), AppError> {
    if facts.status != SignupStatus::Confirmed {
        return Err(AppError::conflict("这位志愿者没有名额", "this volunteer has no place"));
    }
    if facts.approved_minutes.is_some() {
        return Err(settled());
    }
    if facts.checked_in_at.is_some() {
        return Err(AppError::conflict(
            "这位志愿者已经签到了",
            "this volunteer has checked in",
        ));
    }
    Ok(())
}

/// The organizer approves the attended time, or a correction of it with a reason (audited).
/// Answers the minutes recorded and the reason when corrected.
pub fn approve(
    facts: &AttendanceFacts,
    correction_of: Option<(i64, &str)>,
    now: Millis,
) -> Result<(u32, Option<String>), AppError> {
    if facts.approved_minutes.is_some() {
        return Err(AppError::conflict("时长已经确认过了", "the hours are already approved"));
    }
    let Some(so_far) = facts.attended() else {
        return Err(AppError::conflict(
            "这位志愿者没有签到，不能记时长",
            "this volunteer did not check in: there is no time to approve",
        ));
    };
    if facts.checked_out_at.is_none() && now < facts.scheduled.1 {
        return Err(AppError::conflict(
            "活动还没结束：结束后或志愿者签退后再确认时长",
            "the activity is not over: approve once it ends or the volunteer checks out",
        ));
    }
    let length = super::hours::minutes_between(facts.scheduled.0, facts.scheduled.1);
    match correction_of {
        None => Ok((so_far.minutes, None)),
        Some((minutes, reason)) => correction(length, minutes, reason).map(|(m, r)| (m, Some(r))),
    }
}

/// A volunteer's recorded hours, for their page and certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HoursSummary {
    /// Approved minutes, all time.
    pub total_minutes: u64,
    /// Approved minutes of activities this calendar year (Chengdu).
    pub year_minutes: u64,
    /// Attended activities whose time the organizer has not approved yet.
    pub pending: u32,
    /// Activities whose time was approved.
    pub activities: u32,
}

impl HoursSummary {
    pub fn star(&self) -> u8 {
        super::hours::star_level(self.total_minutes)
    }
}
