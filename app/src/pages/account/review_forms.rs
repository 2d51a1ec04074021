//! On a request's page, under its rating: the organization's one public reply, and
//! community staff hiding an abusive comment. Plain form posts answered 303 back to the
//! page, so both work without JavaScript.

use crate::api::requests::RequestPageView;
use crate::domain::lang::Lang;
use crate::domain::requests::reviews::{HIDE_REASON_MAX, REPLY_MAX};
use crate::flash::Flash;
use crate::i18n::say;
use leptos::prelude::*;

/// The forms the caller may use on this rating, if any.
pub fn review_forms(lang: Lang, v: &RequestPageView) -> impl IntoView {
    let id = v.request.id.get();
    let flash = use_context::<Flash>().unwrap_or_default();
    let reply_error = flash.error("review", "reply", lang);
    let reason_error = flash.error("review", "reason", lang);
    let reply = v.may_reply.then(|| {
        view! {
            <form method="post" action=format!("/account/requests/{id}/rating/reply") class="stack">
                <div class="field">
                    <label for="review-reply">{say(lang, "公开回复这条评价（只能回复一次）", "Reply to this rating in public (once)")}</label>
                    {reply_error.clone().map(|e| view! { <p class="field-error" id="review-reply-error">{e}</p> })}
                    <textarea id="review-reply" name="reply" rows="3" maxlength=REPLY_MAX.to_string()
                        aria-invalid=reply_error.is_some().then_some("true")
                        aria-describedby=reply_error.is_some().then_some("review-reply-error")>{flash.value("review", "reply")}</textarea>
                </div>
                <button type="submit" class="button secondary">{say(lang, "发布回复", "Publish the reply")}</button>
            </form>
        }
    });
    let hide = v.may_hide_comment.then(|| {
        view! {
            <details open=reason_error.is_some()>
                <summary>{say(lang, "评语不当？隐藏它", "An abusive comment? Hide it")}</summary>
                <form method="post" action=format!("/account/requests/{id}/rating/hide-comment") class="stack">
                    <p class="hint">{say(lang, "隐藏后评分仍然计入，操作会记入审计日志。",
                        "The score still counts; hiding is recorded in the audit log.")}</p>
                    <div class="field">
                        <label for="hide-reason">{say(lang, "隐藏的原因", "Why it is hidden")}</label>
                        {reason_error.clone().map(|e| view! { <p class="field-error" id="hide-reason-error">{e}</p> })}
                        <input id="hide-reason" name="reason" type="text" maxlength=HIDE_REASON_MAX.to_string()
                            aria-invalid=reason_error.is_some().then_some("true")
                            aria-describedby=reason_error.is_some().then_some("hide-reason-error") />
                    </div>
                    <button type="submit" class="button secondary">{say(lang, "隐藏评语", "Hide the comment")}</button>
                </form>
            </details>
        }
    });
    view! { {reply} {hide} }
}
