//! The port the request use cases need, and the facts that cross it.

use super::input::{AgeBand, Recipient};
use super::lifecycle::{Action, Status};
use super::rating::{RatingDraft, Score};
use crate::accounts::store::Millis;
use crate::calendar::Day;
use crate::directory::Delivery;
use crate::grid::GridKind;
use crate::ids::{FollowUpId, GridUnitId, OrganizationId, PersonId, RequestId, ServiceId};
use crate::offerings::store::OfferingStatus;
use crate::store::StoreError;
use serde::{Deserialize, Serialize};

/// What a request is checked against: the offering's terms and standing.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferingTerms {
    pub service: ServiceId,
    pub name_zh: String,
    pub name_en: String,
    pub organization: OrganizationId,
    pub category: String,
    pub status: OfferingStatus,
    /// Its organization is verified and not suspended.
    pub shown: bool,
    pub delivery: Delivery,
    /// The community its place lies in.
    pub community: Option<GridUnitId>,
    /// At-home offerings: the grid units reached (each with everything under it).
    pub coverage: Vec<GridUnitId>,
    pub min_age: Option<i64>,
    pub residence_required: bool,
    pub disability_certificate_required: bool,
    /// Requests a week, if limited.
    pub capacity: Option<i64>,
}

/// A grid unit with the units above it, nearest first: itself, its parent, … the district.
pub type PlaceChain = Vec<(GridUnitId, GridKind)>;

/// A new request, every column resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub service: ServiceId,
    pub organization: OrganizationId,
    pub category: String,
    pub resident: PersonId,
    pub made_by: PersonId,
    pub grid_unit: GridUnitId,
    pub community: GridUnitId,
    pub address_detail: String,
    pub recipient: Option<Recipient>,
    pub age_band: Option<AgeBand>,
    pub needs: Option<String>,
    pub preferred_time: Option<String>,
    pub preferred_date: Option<Day>,
    /// The Monday of the week counted against capacity.
    pub week: Day,
    pub notes: Option<String>,
    pub contact_phone: String,
    /// When the organization must have answered by (48 working hours).
    pub answer_due: Millis,
    pub submitted_at: Millis,
    /// The client's `Idempotency-Key`, and a fingerprint of what was sent with it.
    pub idempotency: Option<(String, String)>,
}

/// A timeline entry: something that happened to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `submit`, or an action's slug.
    pub action: String,
    /// The status it left the request in.
    pub status: Status,
    pub by: Option<PersonId>,
    /// Who did it, by name as it was then.
    pub by_name: Option<String>,
    /// Set when a family member acted for the resident: "by X for Y".
    pub for_name: Option<String>,
    pub at: Millis,
    pub reason: Option<String>,
    pub scheduled_for: Option<Millis>,
}

/// A new timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent<'a> {
    pub request: RequestId,
    pub action: &'a str,
    pub status: Status,
    pub by: PersonId,
    /// The resident, when `by` acted for them.
    pub on_behalf_of: Option<PersonId>,
    pub at: Millis,
    pub reason: Option<&'a str>,
    pub scheduled_for: Option<Millis>,
}

/// A rating as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub score: Score,
    pub tags: Vec<String>,
    /// Absent when community staff hid it as abusive (the score still counts).
    pub comment: Option<String>,
    pub comment_hidden: bool,
    pub rated_at: Millis,
    pub updated_at: Millis,
    pub reply: Option<String>,
    pub replied_at: Option<Millis>,
}

/// Who a request belongs to and where it stands, read under lock for a change.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestState {
    pub id: RequestId,
    pub service: ServiceId,
    pub service_name_zh: String,
    pub service_name_en: String,
    pub organization: OrganizationId,
    pub category: String,
    pub resident: Option<PersonId>,
    pub made_by: Option<PersonId>,
    pub grid_unit: GridUnitId,
    pub community: GridUnitId,
    pub status: Status,
    pub completed_at: Option<Millis>,
}

/// A request whole, with its timeline and rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: RequestId,
    pub service: ServiceId,
    pub service_name_zh: String,
    pub service_name_en: String,
    pub organization: OrganizationId,
    pub organization_name: String,
    pub resident: Option<PersonId>,
    pub resident_name: Option<String>,
    pub made_by: Option<PersonId>,
    pub made_by_name: Option<String>,
    pub grid_unit: GridUnitId,
    pub community: GridUnitId,
    /// Where, by the grid's names: "南桥社区 › 一片区 › 12号院".
    pub place_zh: String,
    pub place_en: String,
    pub address_detail: String,
    pub recipient: Option<Recipient>,
    pub age_band: Option<AgeBand>,
    pub needs: Option<String>,
    pub preferred_time: Option<String>,
    pub preferred_date: Option<Day>,
    pub notes: Option<String>,
    pub contact_phone: String,
    pub status: Status,
    pub scheduled_for: Option<Millis>,
    pub submitted_at: Millis,
    pub updated_at: Millis,
    pub answer_due: Millis,
    pub completed_at: Option<Millis>,
    pub reopened: i64,
    /// The member of the organization who handles it.
    pub assigned_to: Option<PersonId>,
    pub assigned_name: Option<String>,
    pub timeline: Vec<Event>,
    pub rating: Option<Rating>,
}

/// One line of a list of requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestLine {
    pub id: RequestId,
    pub service: ServiceId,
    pub service_name_zh: String,
    pub service_name_en: String,
    pub organization_name: String,
    pub status: Status,
    /// Who it is for: the recipient's name, else the resident's.
    pub for_name: Option<String>,
    pub place_zh: String,
    pub place_en: String,
    pub submitted_at: Millis,
    pub updated_at: Millis,
    pub answer_due: Millis,
    pub scheduled_for: Option<Millis>,
    pub rated: Option<Score>,
    /// Who in the organization handles it.
    pub assigned_name: Option<String>,
}

/// An offering that reaches a place another did not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub id: ServiceId,
    pub name_zh: String,
    pub name_en: String,
    pub organization_name: String,
}

/// Whose requests a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// These residents' (a person and those they act for), and those they made.
    Residents(Vec<PersonId>),
    /// An organization's inbox.
    Organization(OrganizationId),
}

/// Which of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    #[default]
    All,
    /// Submitted, not yet answered.
    New,
    /// Submitted, accepted or scheduled.
    Open,
    /// Submitted and past its answer deadline.
    Overdue,
    Closed,
}

impl Bucket {
    pub const ALL: [Bucket; 5] = [Bucket::All, Bucket::New, Bucket::Open, Bucket::Overdue, Bucket::Closed];

    pub fn slug(self) -> &'static str {
        match self {
            Bucket::All => "all",
            Bucket::New => "new",
            Bucket::Open => "open",
            Bucket::Overdue => "overdue",
            Bucket::Closed => "closed",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.slug() == slug)
    }
}

/// How an organization's inbox is narrowed (each absent: no narrowing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub service: Option<ServiceId>,
    /// Requests at this grid unit or under it.
    pub grid_unit: Option<GridUnitId>,
    pub assignee: Option<super::assignment::Assignee>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFilter {
    pub whose: Whose,
    pub bucket: Bucket,
    pub narrowing: Narrowing,
    /// Newest first; ids below this one (the next page).
    pub before: Option<RequestId>,
    pub limit: u32,
    /// For `Overdue`: now.
    pub now: Millis,
}

#[async_trait::async_trait]
pub trait RequestStore: Send + Sync {
    /// One transaction for a use case's reads and writes; dropped without commit it
    /// rolls back.
    async fn begin_requests(&self) -> Result<Box<dyn RequestUnit>, StoreError>;
    async fn request(&self, id: RequestId) -> Result<Option<Request>, StoreError>;
    async fn requests(&self, filter: &RequestFilter) -> Result<Vec<RequestLine>, StoreError>;
    /// The request made earlier by `made_by` under `key`, with its fingerprint.
    async fn by_idempotency_key(&self, made_by: PersonId, key: &str)
        -> Result<Option<(RequestId, String)>, StoreError>;
    /// Where a request for the offering may be for: the grid units it reaches (at home:
    /// its coverage and everything under it; on site: its community), named by path.
    async fn places_for(&self, service: ServiceId) -> Result<Vec<crate::offerings::store::PlaceOption>, StoreError>;
    /// Shown offerings of the same category as `service` that reach `unit`, nearest first.
    async fn alternatives(
        &self,
        service: ServiceId,
        unit: GridUnitId,
        limit: u32,
    ) -> Result<Vec<Alternative>, StoreError>;
    /// How many requests of an organization are in each bucket (but `All`).
    async fn inbox_counts(&self, organization: OrganizationId, now: Millis) -> Result<Vec<(Bucket, u32)>, StoreError>;
    /// The phone number a person signed up with, if they have one.
    /// The members of an organization a request can be assigned to, by name.
    async fn members_of(&self, organization: OrganizationId) -> Result<Vec<(PersonId, String)>, StoreError>;
    async fn phone_of(&self, person: PersonId) -> Result<Option<String>, StoreError>;
    /// The latest ratings of an offering as the public sees them, newest first.
    async fn reviews(&self, service: ServiceId, limit: u32) -> Result<Vec<super::reviews::Review>, StoreError>;
}

#[async_trait::async_trait]
pub trait RequestUnit: Send {
    /// The offering's terms, locked until commit so that two requests for its last
    /// place this week are counted one after the other.
    async fn terms(&mut self, service: ServiceId) -> Result<Option<OfferingTerms>, StoreError>;
    async fn place_chain(&mut self, unit: GridUnitId) -> Result<Option<PlaceChain>, StoreError>;
    /// Requests that count against capacity, per week from `from` on (Mondays).
    async fn booked_weeks(&mut self, service: ServiceId, from: Day) -> Result<Vec<(Day, i64)>, StoreError>;
    /// Inserts the request, or `None` when `made_by` already used its idempotency key
    /// (a concurrent twin committed first).
    async fn insert_request(&mut self, new: &NewRequest) -> Result<Option<RequestId>, StoreError>;
    /// The request, locked until commit.
    async fn request_state(&mut self, id: RequestId) -> Result<Option<RequestState>, StoreError>;
    /// Moves the request from `from` to `to` (and sets what `action` carries); false when
    /// its status is no longer `from`.
    async fn move_request(
        &mut self,
        id: RequestId,
        from: Status,
        to: Status,
        action: &Action,
        now: Millis,
    ) -> Result<bool, StoreError>;
    async fn record_event(&mut self, event: &NewEvent<'_>) -> Result<(), StoreError>;
    async fn rating(&mut self, request: RequestId) -> Result<Option<Rating>, StoreError>;
    /// Writes the rating (first or changed), keeping the offering's tally in step.
    async fn put_rating(
        &mut self,
        state: &RequestState,
        rating: &RatingDraft,
        by: PersonId,
        previous: Option<Score>,
        now: Millis,
    ) -> Result<(), StoreError>;
    /// Sets the organization's reply to the request's rating unless it has one (then false).
    async fn put_reply(
        &mut self,
        request: RequestId,
        reply: &str,
        by: PersonId,
        now: Millis,
    ) -> Result<bool, StoreError>;
    /// Assigns the request to `person` if they are a member of `organization` (else
    /// false), or to nobody.
    async fn assign(
        &mut self,
        request: RequestId,
        organization: OrganizationId,
        person: Option<PersonId>,
    ) -> Result<bool, StoreError>;
    /// Hides the rating's comment unless it is hidden or there is none (then false).
    async fn hide_comment(&mut self, request: RequestId) -> Result<bool, StoreError>;
    async fn audit(&mut self, entry: &crate::accounts::store::AuditEntry) -> Result<(), StoreError>;
    /// Opens a follow-up for a low rating unless one is open; true when opened.
    async fn open_follow_up(&mut self, state: &RequestState, due: Millis, now: Millis) -> Result<bool, StoreError>;
    /// Tells the notice's audience about the request (never `actor`), in the app and, for
    /// those who asked, by text message.
    async fn notify(
        &mut self,
        request: RequestId,
        actor: PersonId,
        notice: &crate::notifications::Notice,
        now: Millis,
    ) -> Result<(), StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// A follow-up (回访) of a low rating, as community staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub request: RequestId,
    pub community: GridUnitId,
    pub service_name_zh: String,
    pub service_name_en: String,
    pub organization_name: String,
    /// Who it is for: the recipient's name, else the resident's.
    pub for_name: Option<String>,
    pub place_zh: String,
    pub place_en: String,
    pub score: Score,
    pub comment: Option<String>,
    pub opened_at: Millis,
    pub due_at: Millis,
    pub closed_at: Option<Millis>,
    pub closed_by_name: Option<String>,
    pub note: Option<String>,
    pub now_satisfied: Option<bool>,
}

/// Which follow-ups a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FollowUpBucket {
    #[default]
    Open,
    /// Open and past due.
    Overdue,
    Closed,
}

impl FollowUpBucket {
    pub const ALL: [FollowUpBucket; 3] = [FollowUpBucket::Open, FollowUpBucket::Overdue, FollowUpBucket::Closed];

    pub fn slug(self) -> &'static str {
        match self {
            FollowUpBucket::Open => "open",
            FollowUpBucket::Overdue => "overdue",
            FollowUpBucket::Closed => "closed",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.slug() == slug)
    }
}

/// The port of follow-ups: listed and closed by community staff.
#[async_trait::async_trait]
pub trait FollowUpStore: Send + Sync {
    /// Follow-ups in these communities, newest first.
    async fn follow_ups(
        &self,
        communities: &[GridUnitId],
        bucket: FollowUpBucket,
        now: Millis,
        limit: u32,
    ) -> Result<Vec<FollowUp>, StoreError>;
    async fn follow_up(&self, id: FollowUpId) -> Result<Option<FollowUp>, StoreError>;
    /// Closes it with what was done, unless someone closed it first (then false).
    async fn close_follow_up(
        &self,
        id: FollowUpId,
        by: PersonId,
        note: &str,
        now_satisfied: bool,
        now: Millis,
    ) -> Result<bool, StoreError>;
}
