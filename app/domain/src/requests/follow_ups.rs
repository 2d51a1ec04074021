//! Follow-ups (回访): a rating of 1 or 2 opens one for the community staff of the
//! request's community, who call or visit the resident and close it with what was done
//! and whether the resident is now satisfied. Overdue after five working days.

use super::store::{FollowUp, FollowUpBucket, FollowUpStore};
use crate::accounts::principal::Principal;
use crate::accounts::store::Millis;
use crate::error::AppError;
use crate::ids::FollowUpId;
use crate::validation::{FieldError, Refusals};

pub const NOTE_MAX: usize = 500;
pub const PAGE: u32 = 100;

pub struct FollowUps<'a> {
    pub store: &'a dyn FollowUpStore,
    pub now: Millis,
}

fn not_found() -> AppError {
    AppError::not_found("回访任务", "follow-up")
}

impl FollowUps<'_> {
    /// The follow-ups of the caller's communities (community staff only).
    pub async fn list(&self, who: &Principal, bucket: FollowUpBucket) -> Result<Vec<FollowUp>, AppError> {
        if !who.is_community_staff() {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .follow_ups(&who.roles.communities, bucket, self.now, PAGE)
            .await?)
    }

    /// Closes a follow-up with a note of what was done; once.
    pub async fn close(
        &self,
        who: &Principal,
        id: FollowUpId,
        note: &str,
        now_satisfied: Option<bool>,
    ) -> Result<FollowUp, AppError> {
        let mut r = Refusals::new();
        let note = r.check(note_text(note));
        let satisfied = r.check(now_satisfied.ok_or_else(|| {
            FieldError::new(
                "now_satisfied",
                "请选择居民现在是否满意",
                "say whether the resident is now satisfied",
            )
        }));
        let found = self.store.follow_up(id).await?.ok_or_else(not_found)?;
        if !who.is_staff_of(found.community) {
            return Err(if who.is_community_staff() {
                AppError::Forbidden
            } else {
                not_found()
            });
        }
        r.finish()?;
        if found.closed_at.is_some()
            || !self
                .store
                .close_follow_up(
                    id,
                    who.person,
                    &note.expect("checked"),
                    satisfied.expect("checked"),
                    self.now,
                )
                .await?
        {
            return Err(AppError::conflict(
                "这个回访已经完成了",
                "this follow-up is already closed",
            ));
        }
        self.store.follow_up(id).await?.ok_or_else(not_found)
    }
}

/// What was done, in plain words (line breaks kept).
fn note_text(raw: &str) -> Result<String, FieldError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(FieldError::new(
            "note",
            "请写下回访做了什么",
            "is required: what was done",
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(FieldError::new(
            "note",
            "含有不能使用的字符",
            "contains characters that are not allowed",
        ));
    }
    if text.chars().count() > NOTE_MAX {
        return Err(FieldError::new(
            "note",
            "最多 500 个字",
            "must be at most 500 characters",
        ));
    }
    Ok(text.replace("\r\n", "\n"))
}
