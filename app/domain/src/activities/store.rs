//! The port the activity use cases need, and the facts that cross it.

use super::input::ActivityDraft;
use super::search::ActivitySearch;
use super::signup::{Clash, SignupFacts, SignupStatus};
use super::{Activity, ActivityHit, Organizer};
use crate::accounts::store::Millis;
use crate::geo::Coordinates;
use crate::ids::{ActivityId, GridUnitId, OrganizationId, PersonId};
use crate::message::Message;
use crate::offerings::store::{PlaceFacts, PublisherFacts};
use crate::store::StoreError;
use serde::{Deserialize, Serialize};

/// Where a person stands with an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub status: SignupStatus,
    /// On the waitlist: how many are ahead, plus one.
    pub position: Option<u32>,
}

/// One of a volunteer's sign-ups, for their page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MySignup {
    pub activity: Activity,
    pub standing: Standing,
}

/// One person on an activity's list, as its organizers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterLine {
    pub person: PersonId,
    pub name: String,
    /// Their number, masked (138****0000): enough to tell two namesakes apart.
    pub phone: Option<String>,
    pub standing: Standing,
    pub signed_up_at: Millis,
    pub attendance: super::attendance::AttendanceFacts,
}

/// An activity starting soon whose volunteers have not been reminded yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub activity: ActivityId,
    pub title: Message,
    pub starts_at: Millis,
    pub place: Message,
}

/// A new activity, resolved: the community it lies in, its position and address.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActivity<'a> {
    pub draft: &'a ActivityDraft,
    pub organizer: Organizer,
    pub community: GridUnitId,
    pub position: Coordinates,
    pub address: String,
    pub by: PersonId,
    pub now: Millis,
}

/// The activity as its sign-up rules see it, read with its row locked.
#[derive(Debug, Clone, PartialEq)]
pub struct LockedActivity {
    pub facts: SignupFacts,
    pub organizer: Organizer,
    pub community: GridUnitId,
    pub title: Message,
    pub place: GridUnitId,
    pub position: Coordinates,
    pub address: String,
    pub revision: i64,
}

#[async_trait::async_trait]
pub trait ActivityStore: Send + Sync {
    /// One transaction for a use case's reads and writes; dropped without commit it
    /// rolls back. On SQLite it holds the writer lock from the start.
    async fn begin_activities(&self) -> Result<Box<dyn ActivityUnit>, StoreError>;
    async fn activity(&self, id: ActivityId) -> Result<Option<Activity>, StoreError>;
    /// Published activities in the search's window and circle: the total and one page.
    async fn search_activities(&self, search: &ActivitySearch) -> Result<(u64, Vec<ActivityHit>), StoreError>;
    async fn standing(&self, activity: ActivityId, person: PersonId) -> Result<Option<Standing>, StoreError>;
    /// The person's sign-ups that hold a place or a waitlist ticket, soonest first, and
    /// the cancelled ones of activities still to come.
    async fn signups_of(&self, person: PersonId) -> Result<Vec<MySignup>, StoreError>;
    /// A grid unit's representative position (a place chosen as the search's origin).
    async fn grid_position(&self, unit: GridUnitId) -> Result<Option<Coordinates>, StoreError>;
    /// Everyone who signed up, confirmed first, then the waitlist in order, then those
    /// who cancelled.
    async fn roster(&self, activity: ActivityId) -> Result<Vec<RosterLine>, StoreError>;
    /// An organization's activities, or a community's own, latest start first.
    async fn activities_of(&self, organizer: Organizer) -> Result<Vec<Activity>, StoreError>;
    /// The activity's six-digit check-in code (made on first asking).
    async fn checkin_code(&self, activity: ActivityId) -> Result<String, StoreError>;
    /// A person's approved hours (all time, and of activities since `year_from`) and how
    /// many attended activities wait for approval.
    async fn hours_of(
        &self,
        person: PersonId,
        year_from: Millis,
    ) -> Result<super::attendance::HoursSummary, StoreError>;
    /// The person's name as they call themselves.
    async fn display_name(&self, person: PersonId) -> Result<Option<String>, StoreError>;
    /// Keeps a certificate under its code; false when the code is taken (try another).
    async fn insert_certificate(
        &self,
        person: PersonId,
        certificate: &super::certificate::Certificate,
    ) -> Result<bool, StoreError>;
    async fn certificate(&self, code: &str) -> Result<Option<super::certificate::Certificate>, StoreError>;
    /// Counts one attempt under `key` in a fixed window; the attempts so far (rate limits).
    async fn hit(&self, key: &str, window_ms: i64, now: Millis) -> Result<u64, StoreError>;
}

/// A change of one sign-up's attendance.
#[derive(Debug, Clone, PartialEq)]
pub enum AttendanceChange {
    CheckIn {
        at: Millis,
    },
    CheckOut {
        at: Millis,
        minutes: u32,
    },
    NoShow,
    Approve {
        minutes: u32,
        note: Option<String>,
        by: PersonId,
    },
}

#[async_trait::async_trait]
pub trait ActivityUnit: Send {
    /// The organization's standing, locked against a concurrent suspension until commit.
    async fn publisher(&mut self, organization: OrganizationId) -> Result<Option<PublisherFacts>, StoreError>;
    async fn place(&mut self, id: GridUnitId) -> Result<Option<PlaceFacts>, StoreError>;
    async fn insert_activity(&mut self, new: &NewActivity<'_>) -> Result<ActivityId, StoreError>;
    /// Replaces an edited activity's fields (its organizer stays), counts a revision, and
    /// re-arms the day-before reminder when the start moves.
    async fn update_activity(&mut self, id: ActivityId, edit: &NewActivity<'_>) -> Result<(), StoreError>;
    /// The activity, its row locked until commit (every sign-up of it queues here).
    async fn lock_activity(&mut self, id: ActivityId) -> Result<Option<LockedActivity>, StoreError>;
    /// The person's row locked until commit, so their own sign-ups to two activities at
    /// once are ordered and the clash check sees the first.
    async fn lock_person(&mut self, person: PersonId) -> Result<(), StoreError>;
    async fn signup_status(
        &mut self,
        activity: ActivityId,
        person: PersonId,
    ) -> Result<Option<SignupStatus>, StoreError>;
    /// Another activity, overlapping `window`, where the person holds a place or a ticket.
    async fn clash(
        &mut self,
        person: PersonId,
        window: (Millis, Millis),
        except: ActivityId,
    ) -> Result<Option<Clash>, StoreError>;
    /// Records the sign-up (a new row, or a cancelled one taken up again) and answers where
    /// the person now stands.
    async fn put_signup(
        &mut self,
        activity: ActivityId,
        person: PersonId,
        status: SignupStatus,
        now: Millis,
    ) -> Result<Standing, StoreError>;
    async fn cancel_signup(&mut self, activity: ActivityId, person: PersonId, now: Millis) -> Result<(), StoreError>;
    /// Gives the freed place to the lowest waitlist ticket; who was promoted.
    async fn promote_first(&mut self, activity: ActivityId, now: Millis) -> Result<Option<PersonId>, StoreError>;
    /// Sets the status (and the reason for a cancellation) and counts a revision.
    async fn set_status(
        &mut self,
        id: ActivityId,
        status: super::ActivityStatus,
        reason: Option<&str>,
        now: Millis,
    ) -> Result<(), StoreError>;
    /// Who holds a place or a waitlist ticket.
    async fn holders(&mut self, id: ActivityId) -> Result<Vec<PersonId>, StoreError>;
    /// Who holds a place.
    async fn confirmed(&mut self, id: ActivityId) -> Result<Vec<PersonId>, StoreError>;
    /// Claims the published activities starting before `until` that have not been
    /// reminded of (each once, whichever instance claims it first).
    async fn claim_reminders(&mut self, until: Millis, now: Millis) -> Result<Vec<Reminder>, StoreError>;
    /// One sign-up's attendance (the activity's row is locked already).
    async fn attendance(
        &mut self,
        activity: ActivityId,
        person: PersonId,
    ) -> Result<Option<super::attendance::AttendanceFacts>, StoreError>;
    async fn record_attendance(
        &mut self,
        activity: ActivityId,
        person: PersonId,
        change: &AttendanceChange,
        now: Millis,
    ) -> Result<(), StoreError>;
    async fn audit(&mut self, entry: &crate::accounts::store::AuditEntry) -> Result<(), StoreError>;
    /// Tells these people, in the app and by text for those who asked.
    async fn notify(
        &mut self,
        people: &[PersonId],
        kind: &str,
        text: &Message,
        link: &str,
        now: Millis,
    ) -> Result<(), StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
