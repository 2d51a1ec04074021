//! What the activity pages show: upcoming activities near home, one activity with where
//! the caller stands, one's own sign-ups, and the form to publish one. Changes are plain
//! form posts (`/account/activities/...`, server/src/forms/activities.rs).

use super::error::FnError;
use crate::domain::activities::search::ActivityParams;
use crate::domain::activities::store::{MySignup, RosterLine, Standing};
use crate::domain::activities::{Activity, ActivityHit};
use crate::domain::offerings::form::FormValues;
use crate::domain::offerings::store::PlaceOption;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A search as the activities page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivitiesView {
    /// The search that ran, after the remembered home was filled in.
    pub params: ActivityParams,
    pub total: u64,
    pub hits: Vec<ActivityHit>,
    /// The chosen place's name, when the search is from a place on the grid.
    pub place_name: Option<String>,
    pub now: i64,
}

/// One activity's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub activity: Activity,
    /// Where the caller stands with it, if they ever signed up.
    pub standing: Option<Standing>,
    pub signed_in: bool,
    /// The caller has opted in to volunteering.
    pub volunteer: bool,
    /// The caller runs it.
    pub organizes: bool,
    /// Who signed up, for its organizers (empty for anyone else).
    pub roster: Vec<RosterLine>,
    /// The check-in code, for its organizers.
    pub code: Option<String>,
    pub now: i64,
}

/// An organization's activities, for its members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationActivitiesView {
    pub organization: i64,
    pub organization_name: String,
    pub activities: Vec<Activity>,
    pub now: i64,
}

/// A volunteer's own page of sign-ups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyActivitiesView {
    pub signups: Vec<MySignup>,
    pub hours: crate::domain::activities::attendance::HoursSummary,
    pub volunteer: bool,
    pub now: i64,
}

/// The form to publish an activity (for an organization or a community), or to change one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityFormView {
    /// Where the form posts.
    pub action: String,
    /// Who runs it: the organization's name, or the community's.
    pub organizer_name: String,
    /// The activity being changed, when it is an edit.
    pub editing: Option<EditingActivity>,
    /// What the form shows: a refused post's values, or the activity's.
    pub values: FormValues,
    pub places: Vec<PlaceOption>,
}

/// An activity being changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditingActivity {
    pub id: i64,
    /// The revision the change is made from: a change made meanwhile is not overwritten.
    pub revision: i64,
    /// Published already: it cannot go back to a draft.
    pub published: bool,
}

/// What a form shows for `input`: every field as typed, times as `datetime-local`.
pub fn form_values(input: &crate::domain::activities::input::ActivityInput) -> FormValues {
    use crate::domain::calendar::{datetime_local, parse_rfc3339};
    let local = |raw: &str| parse_rfc3339(raw).map(datetime_local).unwrap_or_else(|| raw.to_owned());
    let mut values = FormValues::new();
    let mut put = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            values.insert(name.to_owned(), v);
        }
    };
    put("title_zh", Some(input.title_zh.clone()));
    put("title_en", input.title_en.clone());
    put("description_zh", Some(input.description_zh.clone()));
    put("description_en", input.description_en.clone());
    put("kind", Some(input.kind.clone()));
    put("place_id", input.place_id.map(|p| p.to_string()));
    put("address", input.address.clone());
    put("starts_at", Some(local(&input.starts_at)));
    put("ends_at", Some(local(&input.ends_at)));
    put("signup_deadline", input.signup_deadline.as_deref().map(local));
    put("places", input.places.map(|p| p.to_string()));
    put("min_age", input.min_age.map(|a| a.to_string()));
    put("skills", Some(input.skills.join(",")).filter(|s| !s.is_empty()));
    values
}

#[cfg(feature = "ssr")]
fn activity_store() -> Result<std::sync::Arc<dyn crate::domain::activities::store::ActivityStore>, FnError> {
    use_context::<std::sync::Arc<dyn crate::domain::activities::store::ActivityStore>>().ok_or_else(|| {
        FnError::App(crate::domain::error::AppError::Internal {
            reference: "no-activity-store".into(),
        })
    })
}

/// Runs an activity search from a raw query string, the same parameters as
/// `GET /api/v1/activities`; without a position it searches from the remembered home.
#[server(prefix = "/api/fn", endpoint = "activities")]
pub async fn find_activities(query: String) -> Result<ActivitiesView, FnError> {
    use super::context::{now, request_cookie, store, with_status};
    use crate::domain::activities::use_cases::Activities;
    use crate::prefs::{decode_home, Prefs, HOME_COOKIE};
    with_status(
        async {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&query).map_err(|_| {
                crate::domain::validation::FieldError::new("query", "查询字符串格式不对", "is not a valid query string")
            })?;
            let mut params = ActivityParams::from_pairs(&pairs)?;
            let lang = params.lang.unwrap_or(Prefs::current().lang);
            if params.origin.is_none() {
                params.origin = request_cookie(HOME_COOKIE).as_deref().and_then(decode_home);
            }
            let place_name = match params.origin {
                Some(crate::domain::search::Origin::Place(id)) => {
                    crate::domain::use_cases::place_name(store()?.as_ref(), id, lang).await?
                }
                _ => None,
            };
            let activities = activity_store()?;
            let now = now();
            let use_case = Activities {
                store: activities.as_ref(),
                now,
            };
            let (total, hits) = match use_case.search(&params).await {
                // A remembered place that no longer exists: search without it.
                Err(crate::domain::error::AppError::NotFound { .. }) => {
                    params.origin = None;
                    use_case.search(&params).await?
                }
                other => other?,
            };
            Ok(ActivitiesView {
                params,
                total,
                hits,
                place_name,
                now,
            })
        }
        .await,
    )
}

/// One activity, with where the caller stands.
#[server(prefix = "/api/fn", endpoint = "activity")]
pub async fn load_activity(id: i64) -> Result<ActivityView, FnError> {
    use super::context::{now, principal, with_status};
    use crate::domain::activities::use_cases::{organizes, Activities};
    use crate::domain::ids::ActivityId;
    with_status(
        async {
            let id =
                ActivityId::new(id).ok_or_else(|| crate::domain::error::AppError::not_found("活动", "activity"))?;
            let who = principal();
            let activities = activity_store()?;
            let now = now();
            let use_case = Activities {
                store: activities.as_ref(),
                now,
            };
            let activity = use_case.get(who.as_ref(), id).await?;
            let standing = match &who {
                Some(p) => use_case.standing(p, id).await?,
                None => None,
            };
            let organizer = who.as_ref().filter(|p| organizes(p, activity.organizer));
            let (roster, code) = match organizer {
                Some(p) if activity.status == crate::domain::activities::ActivityStatus::Published => {
                    (use_case.roster(p, id).await?, Some(use_case.checkin_code(p, id).await?))
                }
                Some(p) => (use_case.roster(p, id).await?, None),
                None => (Vec::new(), None),
            };
            Ok(ActivityView {
                organizes: organizer.is_some(),
                roster,
                code,
                volunteer: who.as_ref().is_some_and(|p| p.roles.volunteer),
                signed_in: who.is_some(),
                activity,
                standing,
                now,
            })
        }
        .await,
    )
}

/// The caller's sign-ups.
#[server(prefix = "/api/fn", endpoint = "my-activities")]
pub async fn load_my_activities() -> Result<MyActivitiesView, FnError> {
    use super::context::{now, principal, with_status};
    use crate::domain::activities::use_cases::Activities;
    with_status(
        async {
            let who = principal().ok_or(crate::domain::error::AppError::Unauthenticated)?;
            let activities = activity_store()?;
            let now = now();
            let use_case = Activities {
                store: activities.as_ref(),
                now,
            };
            let signups = use_case.mine(&who).await?;
            Ok(MyActivitiesView {
                hours: use_case.hours(&who).await?,
                signups,
                volunteer: who.roles.volunteer,
                now,
            })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn offering_store() -> Result<std::sync::Arc<dyn crate::domain::offerings::store::OfferingStore>, FnError> {
    use_context::<std::sync::Arc<dyn crate::domain::offerings::store::OfferingStore>>().ok_or_else(|| {
        FnError::App(crate::domain::error::AppError::Internal {
            reference: "no-offering-store".into(),
        })
    })
}

/// What a refused post left under `draft` (its key), or `otherwise`.
#[cfg(feature = "ssr")]
async fn kept_or(
    who: &crate::domain::accounts::principal::Principal,
    draft: Option<String>,
    otherwise: FormValues,
) -> Result<FormValues, FnError> {
    if let Some(key) = draft.filter(|k| !k.is_empty()) {
        let hash = super::offerings::draft_key_hash(&key);
        if let Some(kept) = offering_store()?.take_form_draft(&hash, who.person).await? {
            return Ok(serde_json::from_str(&kept).unwrap_or(otherwise));
        }
    }
    Ok(otherwise)
}

/// The form to publish an activity for `organization` (its members); `draft` is the key
/// a refused post left for what was typed.
#[server(prefix = "/api/fn", endpoint = "activity-form")]
pub async fn load_activity_form(organization: i64, draft: Option<String>) -> Result<ActivityFormView, FnError> {
    use super::context::{principal, with_status};
    use crate::domain::error::AppError;
    use crate::domain::ids::OrganizationId;
    with_status(
        async {
            let who = principal().ok_or(AppError::Unauthenticated)?;
            let organization = OrganizationId::new(organization)
                .filter(|o| who.role_in(*o).is_some())
                .ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let offerings = offering_store()?;
            let values = kept_or(&who, draft, FormValues::from([("places".to_owned(), "5".to_owned())])).await?;
            let (zh, en) = offerings
                .organization_name(organization)
                .await?
                .ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let lang = crate::prefs::Prefs::current().lang;
            Ok(ActivityFormView {
                action: format!("/account/organizations/{organization}/activities"),
                organizer_name: if lang == crate::domain::lang::Lang::Zh { zh } else { en },
                editing: None,
                values,
                places: offerings.places_of(organization).await?,
            })
        }
        .await,
    )
}

/// The form for a community's staff to publish an activity their community runs.
#[server(prefix = "/api/fn", endpoint = "community-activity-form")]
pub async fn load_community_activity_form(community: i64, draft: Option<String>) -> Result<ActivityFormView, FnError> {
    use super::context::{principal, store, with_status};
    use crate::domain::error::AppError;
    use crate::domain::ids::GridUnitId;
    with_status(
        async {
            let who = principal().ok_or(AppError::Unauthenticated)?;
            let community = GridUnitId::new(community)
                .filter(|c| who.is_staff_of(*c))
                .ok_or_else(|| AppError::not_found("社区", "community"))?;
            let values = kept_or(&who, draft, FormValues::from([("places".to_owned(), "5".to_owned())])).await?;
            let lang = crate::prefs::Prefs::current().lang;
            let name = crate::domain::use_cases::place_name(store()?.as_ref(), community, lang)
                .await?
                .ok_or_else(|| AppError::not_found("社区", "community"))?;
            Ok(ActivityFormView {
                action: format!("/account/communities/{community}/activities"),
                organizer_name: name,
                editing: None,
                values,
                places: offering_store()?.places_in(community).await?,
            })
        }
        .await,
    )
}

/// The form to change an activity (its organizers), filled in with it, or with what a
/// refused change left under `draft`.
#[server(prefix = "/api/fn", endpoint = "activity-edit-form")]
pub async fn load_activity_edit_form(id: i64, draft: Option<String>) -> Result<ActivityFormView, FnError> {
    use super::context::{now, principal, with_status};
    use crate::domain::activities::use_cases::{organizes, Activities};
    use crate::domain::activities::{ActivityStatus, Organizer};
    use crate::domain::error::AppError;
    use crate::domain::ids::ActivityId;
    with_status(
        async {
            let who = principal().ok_or(AppError::Unauthenticated)?;
            let id = ActivityId::new(id).ok_or_else(|| AppError::not_found("活动", "activity"))?;
            let activities = activity_store()?;
            let use_case = Activities {
                store: activities.as_ref(),
                now: now(),
            };
            let activity = use_case.get(Some(&who), id).await?;
            if !organizes(&who, activity.organizer) {
                return Err(AppError::Forbidden.into());
            }
            let values = kept_or(&who, draft, form_values(&activity.to_input())).await?;
            let offerings = offering_store()?;
            let lang = crate::prefs::Prefs::current().lang;
            Ok(ActivityFormView {
                action: format!("/account/activities/{id}/edit"),
                organizer_name: activity.organizer_name.get(lang).to_owned(),
                editing: Some(EditingActivity {
                    id: id.get(),
                    revision: activity.revision,
                    published: activity.status != ActivityStatus::Draft,
                }),
                values,
                places: match activity.organizer {
                    Organizer::Organization(o) => offerings.places_of(o).await?,
                    Organizer::Community(c) => offerings.places_in(c).await?,
                },
            })
        }
        .await,
    )
}

/// An organization's activities (its members), latest start first.
#[server(prefix = "/api/fn", endpoint = "organization-activities")]
pub async fn load_organization_activities(organization: i64) -> Result<OrganizationActivitiesView, FnError> {
    use super::context::{now, principal, with_status};
    use crate::domain::activities::use_cases::Activities;
    use crate::domain::error::AppError;
    use crate::domain::ids::OrganizationId;
    use crate::domain::offerings::store::OfferingStore;
    with_status(
        async {
            let who = principal().ok_or(AppError::Unauthenticated)?;
            let id = OrganizationId::new(organization).ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let activities = activity_store()?;
            let now = now();
            let list = Activities {
                store: activities.as_ref(),
                now,
            }
            .of_organization(&who, id)
            .await?;
            let offerings = use_context::<std::sync::Arc<dyn OfferingStore>>().ok_or_else(|| AppError::Internal {
                reference: "no-offering-store".into(),
            })?;
            let (zh, en) = offerings
                .organization_name(id)
                .await?
                .ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let lang = crate::prefs::Prefs::current().lang;
            Ok(OrganizationActivitiesView {
                organization,
                organization_name: if lang == crate::domain::lang::Lang::Zh { zh } else { en },
                activities: list,
                now,
            })
        }
        .await,
    )
}

/// A certificate, for its public page (anyone with the code).
#[server(prefix = "/api/fn", endpoint = "certificate")]
pub async fn load_certificate(code: String) -> Result<crate::domain::activities::certificate::Certificate, FnError> {
    use super::context::{now, with_status};
    use crate::domain::activities::use_cases::Activities;
    with_status(
        async {
            let activities = activity_store()?;
            Ok(Activities {
                store: activities.as_ref(),
                now: now(),
            }
            .verify_certificate(&code)
            .await?)
        }
        .await,
    )
}
