//! A request's life in the generated year: its timeline, each step checked by the
//! domain's lifecycle, and how its resident rates it.

use super::super::rng::Rng;
use super::super::words;
use app::domain::calendar::{Day, DAY_MS};
use app::domain::requests::lifecycle::{self, Action, Status};

pub(super) const HOUR_MS: i64 = 3600 * 1000;
pub(super) const YEAR_DAYS: i64 = 365;

/// The year generated: from `since` to `until` (the start of the day of generation).
#[derive(Debug, Clone, Copy)]
pub(super) struct Year {
    pub since: i64,
    pub until: i64,
}

/// One step of a timeline as it will be written.
pub(super) struct Event {
    /// `None` for the submission, which is not an [`Action`] on a request.
    pub action: Option<Action>,
    pub status: Status,
    pub by: i64,
    pub on_behalf_of: Option<i64>,
    pub at: i64,
}

/// A time of day between 08:00 and 20:00 on the local day of `at`.
pub(super) fn daytime(rng: &mut Rng, at: i64) -> i64 {
    Day::of(at).start_millis() + 8 * HOUR_MS + (rng.unit() * 12.0 * HOUR_MS as f64) as i64
}

/// A score from 1 to 5: mostly satisfied, less so with a weaker organization (`quality`
/// in 0..1), about one in nine at 2 or below over the city, as 好差评 figures run.
pub(super) fn score(rng: &mut Rng, quality: f64) -> u8 {
    let u = rng.unit();
    let poor = 1.0 - quality;
    let bands = [0.02 + 0.06 * poor, 0.03 + 0.06 * poor, 0.10, 0.28];
    let mut edge = 0.0;
    for (i, width) in bands.iter().enumerate() {
        edge += width;
        if u < edge {
            return i as u8 + 1;
        }
    }
    5
}

/// A request's timeline from its submission, each step checked by the domain's lifecycle,
/// cut at `until` (what happens later has not happened yet).
pub(super) fn timeline(
    rng: &mut Rng,
    submitted: i64,
    made_by: i64,
    on_behalf_of: Option<i64>,
    owner: i64,
    until: i64,
) -> Vec<Event> {
    let mut steps: Vec<(Action, i64)> = Vec::new();
    // How long the organization takes to answer: mostly hours, sometimes days.
    let answer =
        |rng: &mut Rng, from: i64| from + (0.2 * HOUR_MS as f64 + rng.unit().powi(3) * 60.0 * HOUR_MS as f64) as i64;
    let fate = rng.unit();
    if fate < 0.03 {
        let reason = (rng.unit() < 0.5).then(|| rng.pick(words::CANCEL_REASONS).to_string());
        steps.push((
            Action::Cancel { reason },
            submitted + (rng.unit() * 6.0 * HOUR_MS as f64) as i64,
        ));
    } else if fate < 0.09 {
        let reason = rng.pick(words::DECLINE_REASONS).to_string();
        steps.push((Action::Decline { reason }, answer(rng, submitted)));
    } else if fate >= 0.10 {
        // One in a hundred is never answered: unanswered demand, for the dashboard.
        let mut at = answer(rng, submitted);
        steps.push((Action::Accept, at));
        for round in 0..2 {
            let days = 1 + rng.below(4) as i64;
            let slot = daytime(rng, at + days * DAY_MS);
            at += (rng.unit() * 4.0 * HOUR_MS as f64) as i64;
            steps.push((Action::Schedule { at: slot }, at));
            let then = rng.unit();
            if then < 0.06 {
                let reason = (rng.unit() < 0.5).then(|| rng.pick(words::CANCEL_REASONS).to_string());
                steps.push((Action::Cancel { reason }, at + (slot - at) / 2));
                break;
            }
            at = slot + ((1.0 + rng.unit() * 2.0) * HOUR_MS as f64) as i64;
            steps.push((Action::Complete, at));
            // "Not solved" within a week, about one in fifty, then done again.
            if round == 1 || rng.unit() >= 0.02 {
                break;
            }
            at += (rng.unit() * 5.0 * DAY_MS as f64) as i64;
            let reason = rng.pick(words::REOPEN_REASONS).to_string();
            steps.push((Action::Reopen { reason }, at));
            // Reopened is accepted again: the organization finds a new time.
            at = answer(rng, at);
        }
    }

    let mut events = vec![Event {
        action: None,
        status: Status::Submitted,
        by: made_by,
        on_behalf_of,
        at: submitted,
    }];
    let mut status = Status::Submitted;
    let mut completed_at = None;
    for (action, at) in steps {
        if at >= until {
            break;
        }
        status = lifecycle::next(status, &action, action.side(), completed_at, at)
            .expect("the generator's timelines follow the lifecycle");
        completed_at = (status == Status::Completed).then_some(at);
        let by_requester = action.side() == lifecycle::Side::Requester;
        events.push(Event {
            status,
            by: if by_requester { made_by } else { owner },
            on_behalf_of: if by_requester { on_behalf_of } else { None },
            at,
            action: Some(action),
        });
    }
    events
}
