//! What the needs page shows: a community's needs, where a need can be named, and whether
//! the caller answers them (the community's staff).

use super::error::FnError;
use crate::domain::needs::Need;
use crate::domain::offerings::store::PlaceOption;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedsView {
    /// The place asked about (or remembered), and its community's name.
    pub place: Option<(i64, String)>,
    pub needs: Vec<Need>,
    /// Every grid unit of the community, named by path.
    pub places: Vec<PlaceOption>,
    pub categories: Vec<(String, String)>,
    pub signed_in: bool,
    /// The caller is staff of this community.
    pub staff: bool,
}

/// The needs of the community `place` (else the remembered place) lies in.
#[server(prefix = "/api/fn", endpoint = "needs")]
pub async fn load_needs(place: Option<i64>) -> Result<NeedsView, FnError> {
    use super::context::{principal, request_cookie, store, with_status};
    use crate::domain::error::AppError;
    use crate::domain::ids::GridUnitId;
    use crate::domain::needs::{NeedStore, Needs};
    with_status(
        async {
            let who = principal();
            let lang = crate::prefs::Prefs::current().lang;
            let remembered = request_cookie(crate::prefs::HOME_COOKIE)
                .as_deref()
                .and_then(crate::prefs::decode_home)
                .and_then(|origin| match origin {
                    crate::domain::search::Origin::Place(id) => Some(id.get()),
                    _ => None,
                });
            let empty = NeedsView {
                place: None,
                needs: Vec::new(),
                places: Vec::new(),
                categories: Vec::new(),
                signed_in: who.is_some(),
                staff: false,
            };
            let Some(place) = place.or(remembered).and_then(GridUnitId::new) else {
                return Ok(empty);
            };
            let needs_store = use_context::<std::sync::Arc<dyn NeedStore>>().ok_or_else(|| AppError::Internal {
                reference: "no-need-store".into(),
            })?;
            let Some((_, Some(community))) = needs_store.unit_in_community(place).await? else {
                return Ok(empty);
            };
            let now = super::context::now();
            let needs = Needs {
                store: needs_store.as_ref(),
                now,
            }
            .of_place(who.as_ref(), place)
            .await?;
            let directory = store()?;
            let community_name = directory
                .grid_unit(community, lang)
                .await?
                .map(|u| u.name)
                .unwrap_or_default();
            let categories = directory
                .categories(lang)
                .await?
                .into_iter()
                .map(|c| (c.slug, c.name))
                .collect();
            let places = needs_store.places_in(community).await?;
            Ok(NeedsView {
                place: Some((place.get(), community_name)),
                staff: who.as_ref().is_some_and(|w| w.is_staff_of(community)),
                signed_in: who.is_some(),
                needs,
                places,
                categories,
            })
        }
        .await,
    )
}

/// The needs of the communities an organization works in, for its members.
#[server(prefix = "/api/fn", endpoint = "organization-needs")]
pub async fn load_organization_needs(organization: i64) -> Result<Vec<crate::domain::needs::CommunityNeeds>, FnError> {
    use super::context::{principal, with_status};
    use crate::domain::error::AppError;
    use crate::domain::ids::OrganizationId;
    use crate::domain::needs::{NeedStore, Needs};
    with_status(
        async {
            let who = principal().ok_or(AppError::Unauthenticated)?;
            let organization =
                OrganizationId::new(organization).ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let needs_store = use_context::<std::sync::Arc<dyn NeedStore>>().ok_or_else(|| AppError::Internal {
                reference: "no-need-store".into(),
            })?;
            let now = super::context::now();
            Ok(Needs {
                store: needs_store.as_ref(),
                now,
            }
            .of_organization(&who, organization)
            .await?)
        }
        .await,
    )
}
