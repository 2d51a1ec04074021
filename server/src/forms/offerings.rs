//! The offering pages' form posts: publish, edit, pause, resume, retire. Each calls the
//! use case its JSON twin (`rest::offerings`) calls. A refused offering form is too long
//! for the flash cookie (a description alone can be 3 KB), so what was typed is kept in
//! `form_drafts` under a random key that the flash carries; the form page reads it back
//! once. Nothing is lost, and the cookie stays small.

use super::{answer, done, refused, see_other, with_flash, Ctx, Fields};
use crate::rest::error::ApiError;
use crate::rest::offerings::offerings;
use crate::store::SqlStore;
use app::domain::error::AppError;
use app::domain::ids::{OrganizationId, ServiceId};
use app::domain::message::Message;
use app::domain::offerings::draft::OfferingInput;
use app::domain::offerings::form::{FormValues, DRAFT_FIELD, PREVIEW_FIELD};
use app::domain::offerings::store::OfferingStore;
use app::domain::offerings::use_cases::Transition;
use app::flash::Flash;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;

/// The input a form describes, or every refusal (what could not be read and what the
/// checks refuse) at once.
fn input_of(f: &Fields) -> Result<OfferingInput, AppError> {
    let (input, mut unreadable) = OfferingInput::from_form(&f.0);
    if unreadable.is_empty() {
        return Ok(input);
    }
    if let Err(AppError::Invalid(more)) = input.check() {
        let more: Vec<_> = more
            .into_iter()
            .filter(|e| !unreadable.iter().any(|u| u.field == e.field))
            .collect();
        unreadable.extend(more);
    }
    Err(AppError::Invalid(unreadable))
}

/// Back to the form with what was typed (kept in `form_drafts`) and what is wrong.
async fn refused_with_draft(
    store: &SqlStore,
    who: &app::domain::accounts::principal::Principal,
    f: &Fields,
    error: AppError,
    back: &str,
) -> Result<Response, ApiError> {
    let errors = match error {
        AppError::Unauthenticated => return Ok(see_other("/sign-in")),
        AppError::Invalid(fields) | AppError::BadRequest(fields) => fields,
        other => return Ok(refused("offering", &Fields(Vec::new()), other, back)),
    };
    let key = keep_values(store, who, f).await?;
    let flash = Flash::refused("offering", &[(DRAFT_FIELD.to_owned(), key)], errors, None);
    Ok(with_flash(back, &flash))
}

/// Keeps every posted value in `form_drafts`; the key for the flash.
pub(super) async fn keep_values(
    store: &SqlStore,
    who: &app::domain::accounts::principal::Principal,
    f: &Fields,
) -> Result<String, ApiError> {
    let mut values = FormValues::new();
    for (k, v) in &f.0 {
        values
            .entry(k.clone())
            .and_modify(|existing: &mut String| {
                existing.push(',');
                existing.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    let key = app::domain::accounts::secrets::Secrets::new_token(&crate::auth::secrets::RealSecrets);
    store
        .save_form_draft(
            &app::api::offerings::draft_key_hash(&key),
            who.person,
            &serde_json::to_string(&values).expect("values serialize"),
            crate::store::migrate::now_millis(),
        )
        .await?;
    Ok(key)
}

/// Back to the form with what was typed and its preview (nothing saved).
async fn previewed(
    store: &SqlStore,
    who: &app::domain::accounts::principal::Principal,
    f: &Fields,
    back: &str,
) -> Result<Response, ApiError> {
    let key = keep_values(store, who, f).await?;
    let mut flash = Flash::done(
        "offering",
        Message::fixed(
            "下面是居民将看到的样子。确认无误后，请点“发布”或“保存修改”。",
            "Below is what residents will see. When it is right, publish or save.",
        ),
    );
    flash.values.insert(DRAFT_FIELD.to_owned(), key);
    flash.values.insert(PREVIEW_FIELD.to_owned(), "1".to_owned());
    Ok(with_flash(back, &flash))
}

fn revision(f: &Fields) -> Option<i64> {
    f.get("revision").trim().parse().ok()
}

pub(super) async fn create(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let organization: OrganizationId = crate::rest::path_id(&id)?;
    let back = format!("/account/organizations/{organization}/offerings/new");
    if f.get("intent") == "preview" {
        let checked = match input_of(&f) {
            Ok(input) => offerings(&store).preview(who, organization, &input).await.map(|_| ()),
            Err(e) => Err(e),
        };
        return match checked {
            Ok(()) => previewed(&store, who, &f, &back).await,
            Err(e) => refused_with_draft(&store, who, &f, e, &back).await,
        };
    }
    let result = match input_of(&f) {
        Ok(input) => offerings(&store).create(who, organization, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(offering) => Ok(done(
            "offering",
            &format!("/account/offerings/{}", offering.id),
            Message::fixed("已发布，居民现在就能搜到。", "Published: residents can find it now."),
        )),
        Err(e) => refused_with_draft(&store, who, &f, e, &back).await,
    }
}

pub(super) async fn edit(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ServiceId = crate::rest::path_id(&id)?;
    let back = format!("/account/offerings/{id}");
    if f.get("intent") == "preview" {
        let checked = match (input_of(&f), offerings(&store).get(who, id).await) {
            (Ok(input), Ok(current)) => offerings(&store)
                .preview(who, current.organization, &input)
                .await
                .map(|_| ()),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        return match checked {
            Ok(()) => previewed(&store, who, &f, &back).await,
            Err(e) => refused_with_draft(&store, who, &f, e, &back).await,
        };
    }
    let result = match input_of(&f) {
        Ok(input) => offerings(&store).edit(who, id, &input, revision(&f)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(done("offering", &back, Message::fixed("已保存。", "Saved."))),
        Err(e) => refused_with_draft(&store, who, &f, e, &back).await,
    }
}

async fn transition(
    (State(store), Extension(caller), _, _): Ctx,
    id: String,
    body: axum::body::Bytes,
    change: impl FnOnce(&Fields) -> Transition,
    notice: Message,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ServiceId = crate::rest::path_id(&id)?;
    let back = format!("/account/offerings/{id}");
    let result = offerings(&store).transition(who, id, change(&f), revision(&f)).await;
    Ok(answer(result, "offering", &f, &back, |_| notice))
}

pub(super) async fn pause(ctx: Ctx, Path(id): Path<String>, body: axum::body::Bytes) -> Result<Response, ApiError> {
    transition(
        ctx,
        id,
        body,
        |f| Transition::Pause {
            reason: f.get("reason"),
        },
        Message::fixed("已暂停，服务页面会显示暂停原因。", "Paused: its page shows why."),
    )
    .await
}

pub(super) async fn resume(ctx: Ctx, Path(id): Path<String>, body: axum::body::Bytes) -> Result<Response, ApiError> {
    transition(
        ctx,
        id,
        body,
        |_| Transition::Resume,
        Message::fixed("已恢复服务。", "Resumed."),
    )
    .await
}

pub(super) async fn retire(ctx: Ctx, Path(id): Path<String>, body: axum::body::Bytes) -> Result<Response, ApiError> {
    transition(
        ctx,
        id,
        body,
        |f| Transition::Retire {
            reason: Some(f.get("retire_reason")),
        },
        Message::fixed("已停止提供，修改记录会保留。", "Retired; its history is kept."),
    )
    .await
}

/// The photo form (`multipart/form-data`, one file named `photo`).
pub(super) async fn photo(
    (State(store), Extension(caller), _, headers): Ctx,
    Path(id): Path<String>,
    mut form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let who = signed_in_or_return!(caller);
    let id: ServiceId = crate::rest::path_id(&id)?;
    let back = format!("/account/offerings/{id}");
    let none = Fields(Vec::new());
    // Over the body limit, announced or found while reading (or cut off): say on the page
    // what a resident can act on, before reading megabytes that would be dropped.
    let too_large = || {
        let error = AppError::Invalid(vec![app::domain::offerings::photo::too_large()]);
        refused("photo", &none, error, &back)
    };
    if crate::rest::body::announces_oversize_photo(&headers) {
        return Ok(too_large());
    }
    let mut upload = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("photo") {
            match field.bytes().await {
                Ok(bytes) => upload = Some(bytes),
                Err(_) => return Ok(too_large()),
            }
        }
    }
    let result = crate::rest::offerings::store_photo(&store, who, id, upload.unwrap_or_default()).await;
    Ok(answer(result, "photo", &none, &back, |_| {
        Message::fixed("照片已更新。", "Photo updated.")
    }))
}

pub(super) async fn remove_photo(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let who = signed_in_or_return!(caller);
    let id: ServiceId = crate::rest::path_id(&id)?;
    let back = format!("/account/offerings/{id}");
    let result = offerings(&store).set_photo(who, id, None).await;
    Ok(answer(result, "photo", &Fields(Vec::new()), &back, |_| {
        Message::fixed("照片已删除。", "Photo removed.")
    }))
}
