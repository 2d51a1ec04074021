//! The day-before reminders of volunteer activities: every few minutes each instance asks
//! the use case to remind of what starts within a day. Claiming an activity's reminder is
//! one conditional update in the database, so instances never remind twice and the server
//! keeps no state of its own.

use crate::rest::activities::activities;
use crate::store::SqlStore;
use std::time::Duration;

/// How often to look. A reminder is sent 24 hours ahead, give or take this.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// Runs for the life of the server.
pub async fn run(store: SqlStore) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match activities(&store).send_reminders().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(activities = n, "sent activity reminders"),
            Err(error) => tracing::warn!(%error, "activity reminders failed; will try again"),
        }
    }
}
