//! What residents said about an offering, in public: the score, the tags, the comment
//! and the organization's one reply, never who said it. Community staff may hide an
//! abusive comment: its score still counts, and the hiding is in the audit log.
//!
//! Who may: the organization's members reply, once, to a rating of their own offering;
//! the staff of the request's community hide a comment. Both are conditional updates in
//! one unit of work, so two people pressing at once make one reply, one hiding.

use super::rating::Score;
use super::store::Request;
use super::use_cases::{on_requester_side, Requests};
use crate::accounts::principal::Principal;
use crate::accounts::store::{AuditEntry, Millis};
use crate::error::AppError;
use crate::ids::{RequestId, ServiceId};
use crate::notifications;
use crate::validation::{paragraph, required_text};
use serde::{Deserialize, Serialize};

pub const REPLY_MAX: usize = 500;
pub const HIDE_REASON_MAX: usize = 200;
/// How many of the latest reviews a service page shows.
pub const REVIEWS_SHOWN: u32 = 10;

/// One rating as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub score: Score,
    pub tags: Vec<String>,
    /// Absent when there was none, or when community staff hid it.
    pub comment: Option<String>,
    pub comment_hidden: bool,
    pub rated_at: Millis,
    pub reply: Option<String>,
    pub replied_at: Option<Millis>,
}

/// The organization's reply (the API's body, the form's field).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplyInput {
    pub reply: String,
}

/// Why community staff hide a comment (kept in the audit log).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HideInput {
    pub reason: String,
}

fn not_found() -> AppError {
    AppError::not_found("服务请求", "request")
}

fn no_rating() -> AppError {
    AppError::conflict("这条服务还没有评价", "this request has not been rated")
}

impl Requests<'_> {
    /// The organization's one public reply to a rating.
    pub async fn reply(&self, who: &Principal, id: RequestId, input: &ReplyInput) -> Result<Request, AppError> {
        let reply = paragraph("reply", &input.reply, REPLY_MAX).map_err(|e| AppError::Invalid(vec![e]))?;
        let mut unit = self.store.begin_requests().await?;
        let state = unit.request_state(id).await?.ok_or_else(not_found)?;
        if who.role_in(state.organization).is_none() {
            return Err(refusal(who, &state));
        }
        let rating = unit.rating(id).await?.ok_or_else(no_rating)?;
        let already = || {
            AppError::conflict(
                "每条评价只能回复一次，已经回复过了",
                "a rating gets one reply, and this one has it",
            )
        };
        if rating.reply.is_some() || !unit.put_reply(id, &reply, who.person, self.now).await? {
            return Err(already());
        }
        let notice = notifications::on_reply(id, &state.service_name_zh, &state.service_name_en);
        unit.notify(id, who.person, &notice, self.now).await?;
        unit.commit().await?;
        self.store.request(id).await?.ok_or_else(not_found)
    }

    /// Hides an abusive comment from everyone; the score still counts. Audited.
    pub async fn hide_comment(
        &self,
        who: &Principal,
        id: RequestId,
        input: &HideInput,
        request_id: Option<&str>,
    ) -> Result<Request, AppError> {
        let reason = required_text("reason", &input.reason, HIDE_REASON_MAX).map_err(|e| AppError::Invalid(vec![e]))?;
        let mut unit = self.store.begin_requests().await?;
        let state = unit.request_state(id).await?.ok_or_else(not_found)?;
        if !who.is_staff_of(state.community) {
            let involved =
                who.role_in(state.organization).is_some() || on_requester_side(who, state.made_by, state.resident);
            return Err(if involved { AppError::Forbidden } else { not_found() });
        }
        let rating = unit.rating(id).await?.ok_or_else(no_rating)?;
        if rating.comment_hidden {
            return Err(AppError::conflict(
                "这条评语已经隐藏了",
                "this comment is hidden already",
            ));
        }
        if !unit.hide_comment(id).await? {
            return Err(AppError::conflict(
                "这条评价没有评语",
                "this rating has no comment to hide",
            ));
        }
        unit.audit(&AuditEntry {
            at: self.now,
            actor: Some(who.person),
            action: "rating.comment_hidden".to_owned(),
            subject_kind: "request".to_owned(),
            subject_id: Some(id.get()),
            on_behalf_of: None,
            request_id: request_id.map(str::to_owned),
            detail: Some(reason),
        })
        .await?;
        unit.commit().await?;
        self.store.request(id).await?.ok_or_else(not_found)
    }

    /// The latest reviews of an offering, for its page.
    pub async fn reviews(&self, service: ServiceId) -> Result<Vec<Review>, AppError> {
        Ok(self.store.reviews(service, REVIEWS_SHOWN).await?)
    }
}

/// The refusal for someone who may not reply: the requester side and the community's
/// staff may see the request (forbidden); anyone else is told it does not exist.
fn refusal(who: &Principal, state: &super::store::RequestState) -> AppError {
    let sees_it = who.is_staff_of(state.community) || on_requester_side(who, state.made_by, state.resident);
    if sees_it {
        AppError::Forbidden
    } else {
        not_found()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_may_run_over_lines_but_not_past_its_length_or_hold_control_characters() {
        assert_eq!(
            paragraph("reply", "  谢谢您\n我们会改进  ", REPLY_MAX).unwrap(),
            "谢谢您\n我们会改进"
        );
        assert_eq!(paragraph("reply", "   ", REPLY_MAX).unwrap_err().field, "reply");
        assert_eq!(paragraph("reply", "bad\u{0}", REPLY_MAX).unwrap_err().field, "reply");
        assert!(paragraph("reply", &"字".repeat(REPLY_MAX), REPLY_MAX).is_ok());
        assert!(paragraph("reply", &"字".repeat(REPLY_MAX + 1), REPLY_MAX).is_err());
    }
}
