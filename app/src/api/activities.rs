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

/// The form to publish an activity for an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityFormView {
    pub organization: i64,
    pub organization_name: String,
    /// A refused post's values.
    pub values: FormValues,
    pub places: Vec<PlaceOption>,
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

/// The form to publish an activity for `organization` (its members); `draft` is the key
/// a refused post left for what was typed.
#[server(prefix = "/api/fn", endpoint = "activity-form")]
pub async fn load_activity_form(organization: i64, draft: Option<String>) -> Result<ActivityFormView, FnError> {
    use super::context::{principal, with_status};
    use crate::domain::error::AppError;
    use crate::domain::ids::OrganizationId;
    use crate::domain::offerings::store::OfferingStore;
    with_status(
        async {
            let who = principal().ok_or(AppError::Unauthenticated)?;
            let organization = OrganizationId::new(organization)
                .filter(|o| who.role_in(*o).is_some())
                .ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let offerings = use_context::<std::sync::Arc<dyn OfferingStore>>().ok_or_else(|| AppError::Internal {
                reference: "no-offering-store".into(),
            })?;
            let mut values = FormValues::from([("places".to_owned(), "5".to_owned())]);
            if let Some(key) = draft.filter(|k| !k.is_empty()) {
                let hash = super::offerings::draft_key_hash(&key);
                if let Some(kept) = offerings.take_form_draft(&hash, who.person).await? {
                    values = serde_json::from_str(&kept).unwrap_or(values);
                }
            }
            let (zh, en) = offerings
                .organization_name(organization)
                .await?
                .ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let lang = crate::prefs::Prefs::current().lang;
            Ok(ActivityFormView {
                organization: organization.get(),
                organization_name: if lang == crate::domain::lang::Lang::Zh { zh } else { en },
                values,
                places: offerings.places_of(organization).await?,
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
