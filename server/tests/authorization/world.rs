//! The world each cell of the authorization matrix acts on: one person per kind of
//! caller, their community and organization, a family link, a pending link, a token.
//! Made fresh for every cell, so no cell depends on what another did.

use crate::common::people::{self, exec, now, Person};
use crate::common::TestApp;

/// The kinds of caller, in the order of every row's expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Anonymous,
    Resident,
    FamilyOfResident,
    Volunteer,
    OtherOrganizationStaff,
    OrganizationStaff,
    OtherCommunityStaff,
    CommunityStaff,
}

pub const ROLES: [Role; 8] = [
    Role::Anonymous,
    Role::Resident,
    Role::FamilyOfResident,
    Role::Volunteer,
    Role::OtherOrganizationStaff,
    Role::OrganizationStaff,
    Role::OtherCommunityStaff,
    Role::CommunityStaff,
];

/// What one cell acts on: its own people and things.
pub struct World {
    pub resident: Person,
    pub family: Person,
    pub volunteer: Person,
    pub other_org_staff: Person,
    pub org_staff: Person,
    pub other_community_staff: Person,
    pub community_staff: Person,
    pub community: i64,
    pub organization: i64,
    /// A member of `organization` its owner may remove.
    pub member: Person,
    /// Resident ↔ family member, active.
    pub link: i64,
    /// Volunteer (person) ↔ family member (member), waiting for the member's code.
    pub pending_link: i64,
    /// A personal API token of the resident.
    pub token: i64,
    pub service: i64,
    /// An active offering of `organization` (verified), and a paused one.
    pub offering: i64,
    pub paused_offering: i64,
    /// Requests of the resident for `offering`: submitted, accepted, scheduled, and
    /// completed (just now).
    pub request: i64,
    pub accepted_request: i64,
    pub scheduled_request: i64,
    pub completed_request: i64,
    /// An open follow-up of `completed_request`, rated 2.
    pub follow_up: i64,
    /// Another completed request, rated 1 with a comment, not yet replied to.
    pub rated_request: i64,
    /// An open need the resident named in the community.
    pub need: i64,
    /// A published activity of `organization` next week, nobody signed up; and another
    /// where the volunteer holds a place.
    pub activity: i64,
    pub joined_activity: i64,
}

/// The code the pending link's member received.
pub const LINK_CODE: &str = "246810";

impl World {
    pub fn caller(&self, role: Role) -> Option<&Person> {
        match role {
            Role::Anonymous => None,
            Role::Resident => Some(&self.resident),
            Role::FamilyOfResident => Some(&self.family),
            Role::Volunteer => Some(&self.volunteer),
            Role::OtherOrganizationStaff => Some(&self.other_org_staff),
            Role::OrganizationStaff => Some(&self.org_staff),
            Role::OtherCommunityStaff => Some(&self.other_community_staff),
            Role::CommunityStaff => Some(&self.community_staff),
        }
    }

    /// The full numbers `role` must never see: everyone's but their own. (Family
    /// members would see each other's, but no answer here needs that; the contacts of
    /// organizations are not people's logins.)
    pub fn numbers_hidden_from(&self, role: Role) -> Vec<String> {
        let own = self.caller(role).map(|p| p.login.clone());
        [
            &self.resident,
            &self.family,
            &self.volunteer,
            &self.other_org_staff,
            &self.org_staff,
            &self.other_community_staff,
            &self.community_staff,
            &self.member,
        ]
        .iter()
        .map(|p| p.login.clone())
        .filter(|login| Some(login) != own.as_ref())
        .collect()
    }

    pub fn path(&self, template: &str) -> String {
        template
            .replace("{org}", &self.organization.to_string())
            .replace("{member}", &self.member.id.to_string())
            .replace("{link}", &self.link.to_string())
            .replace("{pending}", &self.pending_link.to_string())
            .replace("{token}", &self.token.to_string())
            .replace("{offering}", &self.offering.to_string())
            .replace("{paused}", &self.paused_offering.to_string())
            .replace("{request}", &self.request.to_string())
            .replace("{accepted}", &self.accepted_request.to_string())
            .replace("{scheduled}", &self.scheduled_request.to_string())
            .replace("{completed}", &self.completed_request.to_string())
            .replace("{follow_up}", &self.follow_up.to_string())
            .replace("{rated}", &self.rated_request.to_string())
            .replace("{need}", &self.need.to_string())
            .replace("{activity}", &self.activity.to_string())
            .replace("{joined}", &self.joined_activity.to_string())
            .replace("{community}", &self.community.to_string())
    }
}

pub async fn world(app: &TestApp, service: i64) -> World {
    use app::domain::accounts::secrets::Secrets;
    let store = &app.db.store;
    let person = |name: &'static str| people::person(store, name);
    // Each cell is a client of its own: the per-address limits start afresh.
    exec(store, "DELETE FROM rate_limits", &[]).await;
    let (community, other_community) = (
        people::community(store, "本社区").await,
        people::community(store, "外社区").await,
    );
    let resident = person("居民").await;
    let family = person("家属").await;
    let volunteer = person("志愿者").await;
    exec(store, "UPDATE people SET volunteer = 1 WHERE id = $1", &[volunteer.id]).await;
    let org_staff = person("机构负责人").await;
    let other_org_staff = person("别的机构负责人").await;
    let community_staff = person("社区干部").await;
    let other_community_staff = person("别的社区干部").await;
    let organization = people::organization(store, community, &org_staff).await;
    exec(
        store,
        "UPDATE organizations SET verified = 1 WHERE id = $1",
        &[organization],
    )
    .await;
    let offering = offering(store, organization, community, "active").await;
    let paused_offering = offering_paused(store, organization, community).await;
    people::organization(store, other_community, &other_org_staff).await;
    for (p, c) in [(&community_staff, community), (&other_community_staff, other_community)] {
        exec(
            store,
            "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
            &[p.id, c],
        )
        .await;
    }
    let member = person("社工").await;
    exec(
        store,
        "INSERT INTO organization_members (organization_id, person_id, role, added_at) VALUES ($1, $2, 'member', 0)",
        &[organization, member.id],
    )
    .await;
    let link = link(store, resident.id, family.id, "active").await;
    let pending_link = link_pending(store, volunteer.id, family.id).await;
    sqlx::query(
        "INSERT INTO one_time_codes (login, purpose, code_hash, created_at, expires_at) VALUES ($1, 'family-link', $2, $3, $4)",
    )
    .bind(&family.login)
    .bind(doorstep_server::auth::secrets::RealSecrets.token_hash(LINK_CODE))
    .bind(now())
    .bind(now() + 300_000)
    .execute(store.pool())
    .await
    .unwrap();
    let token: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (person_id, name, token_hash, created_at) VALUES ($1, 'tablet', $2, 0) RETURNING id",
    )
    .bind(resident.id)
    .bind(format!("hash-{}", resident.id))
    .fetch_one(store.pool())
    .await
    .unwrap();
    let request = |status: &'static str| request(store, offering, organization, resident.id, community, status);
    let (request, accepted_request, scheduled_request, completed_request, rated_request) = (
        request("submitted").await,
        request("accepted").await,
        request("scheduled").await,
        request("completed").await,
        request("completed").await,
    );
    sqlx::query(
        "INSERT INTO ratings (request_id, service_id, organization_id, community_id, grid_unit_id, category_slug, score, \
             comment, rated_by, rated_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4, 'meal-assistance', 1, '态度太差', $5, $6, $6)",
    )
    .bind(rated_request)
    .bind(offering)
    .bind(organization)
    .bind(community)
    .bind(resident.id)
    .bind(now())
    .execute(store.pool())
    .await
    .unwrap();
    exec(
        store,
        "INSERT INTO service_ratings (service_id, r1) VALUES ($1, 1)",
        &[offering],
    )
    .await;
    let follow_up: i64 = sqlx::query_scalar(
        "INSERT INTO follow_ups (request_id, community_id, grid_unit_id, score, opened_at, due_at) \
         VALUES ($1, $2, $2, 2, $3, $3) RETURNING id",
    )
    .bind(completed_request)
    .bind(community)
    .bind(now())
    .fetch_one(store.pool())
    .await
    .unwrap();
    let need: i64 = sqlx::query_scalar(
        "INSERT INTO needs (grid_unit_id, community_id, description, named_by, created_at) \
         VALUES ($1, $1, '需要有人陪诊', $2, $3) RETURNING id",
    )
    .bind(community)
    .bind(resident.id)
    .bind(now())
    .fetch_one(store.pool())
    .await
    .unwrap();
    exec(
        store,
        "INSERT INTO need_supporters (need_id, person_id, added_at) VALUES ($1, $2, 0)",
        &[need, resident.id],
    )
    .await;
    let activity = activity(store, organization, community, &org_staff).await;
    let joined_activity = activity_next_day(store, organization, community, &org_staff).await;
    sqlx::query(
        "INSERT INTO activity_signups (activity_id, person_id, status, signed_up_at, confirmed_at) \
         VALUES ($1, $2, 'confirmed', $3, $3)",
    )
    .bind(joined_activity)
    .bind(volunteer.id)
    .bind(now())
    .execute(store.pool())
    .await
    .unwrap();
    World {
        resident,
        family,
        volunteer,
        other_org_staff,
        org_staff,
        other_community_staff,
        community_staff,
        community,
        organization,
        member,
        link,
        pending_link,
        token,
        service,
        offering,
        paused_offering,
        request,
        accepted_request,
        scheduled_request,
        completed_request,
        follow_up,
        rated_request,
        need,
        activity,
        joined_activity,
    }
}

/// A published activity, a week (plus `days`) from now, written straight into its table.
async fn activity_at(
    store: &doorstep_server::store::SqlStore,
    organization: i64,
    community: i64,
    by: &people::Person,
    days: i64,
) -> i64 {
    let start = now() + (7 + days) * 86_400_000;
    sqlx::query_scalar(
        "INSERT INTO activities (organization_id, community_id, grid_unit_id, kind, title_zh, description_zh, address, \
             latitude, longitude, starts_at, ends_at, signup_deadline, places, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $2, 'elder-visit', '探访', '陪老人聊天', '社区', 30.64, 104.05, $3, $4, $3, 5, 'published', $5, $6, $6) \
         RETURNING id",
    )
    .bind(organization)
    .bind(community)
    .bind(start)
    .bind(start + 7_200_000)
    .bind(by.id)
    .bind(now())
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn activity(
    store: &doorstep_server::store::SqlStore,
    organization: i64,
    community: i64,
    by: &people::Person,
) -> i64 {
    activity_at(store, organization, community, by, 0).await
}

async fn activity_next_day(
    store: &doorstep_server::store::SqlStore,
    organization: i64,
    community: i64,
    by: &people::Person,
) -> i64 {
    activity_at(store, organization, community, by, 1).await
}

/// A request written straight into its table, in `status`, as if it had got there.
async fn request(
    store: &doorstep_server::store::SqlStore,
    offering: i64,
    organization: i64,
    resident: i64,
    community: i64,
    status: &str,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO requests (service_id, organization_id, category_slug, resident_id, made_by, grid_unit_id, \
             community_id, address_detail, week_start, contact_phone, status, scheduled_for, submitted_at, answer_due, \
             completed_at, updated_at) \
         VALUES ($1, $2, 'meal-assistance', $3, $3, $4, $4, '3 单元 502', 0, '028-85551111', $5, \
             CASE WHEN $5 IN ('scheduled', 'completed') THEN $6 END, $6, $6, CASE WHEN $5 = 'completed' THEN $6 END, $6) \
         RETURNING id",
    )
    .bind(offering)
    .bind(organization)
    .bind(resident)
    .bind(community)
    .bind(status)
    .bind(now())
    .fetch_one(store.pool())
    .await
    .unwrap()
}

/// An offering written straight into the directory (as demo data would be).
async fn offering(store: &doorstep_server::store::SqlStore, organization: i64, place: i64, status: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO services (code, organization_id, category_slug, name_zh, name_en, description_zh, description_en, \
             delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, cost_kind, phone, \
             status, status_reason) \
         VALUES ($1, $2, 'meal-assistance', '助餐', 'Meals', '简介', 'About', 'on-site', $3, '地址', 'Address', \
             30.64, 104.05, '每天', 'Daily', 'free', '028-85550000', $4, CASE WHEN $4 = 'paused' THEN '休整' END) RETURNING id",
    )
    .bind(format!("offering-{organization}-{status}"))
    .bind(organization)
    .bind(place)
    .bind(status)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn offering_paused(store: &doorstep_server::store::SqlStore, organization: i64, place: i64) -> i64 {
    offering(store, organization, place, "paused").await
}

async fn link(store: &doorstep_server::store::SqlStore, person: i64, member: i64, status: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO family_links (person_id, member_id, relation, status, created_at) VALUES ($1, $2, '儿子', $3, 0) RETURNING id",
    )
    .bind(person)
    .bind(member)
    .bind(status)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn link_pending(store: &doorstep_server::store::SqlStore, person: i64, member: i64) -> i64 {
    link(store, person, member, "pending").await
}
