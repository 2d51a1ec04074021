//! In-app notifications: who is told what when a request changes. The words are made
//! here, in both languages; the store writes one row per person told, in the same
//! transaction as the change, and a text message for those who asked for one.

use crate::accounts::principal::Principal;
use crate::accounts::store::Millis;
use crate::calendar::local_time;
use crate::error::AppError;
use crate::ids::RequestId;
use crate::message::Message;
use crate::requests::lifecycle::Action;
use crate::store::StoreError;
use serde::{Deserialize, Serialize};

/// Who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The resident the request is for and whoever made it for them.
    Requester,
    /// The members of the offering's organization.
    Provider,
    /// The staff of the request's community.
    CommunityStaff,
    /// The member of the organization the request is assigned to.
    Assignee,
}

/// One thing to tell, about one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub audience: Audience,
    /// `submitted`, `accepted`, … `follow-up`.
    pub kind: &'static str,
    pub text: Message,
    pub link: String,
}

/// What the change of a request tells whom (never the person who made the change).
pub fn on_action(request: RequestId, service_zh: &str, service_en: &str, action: &Action) -> Notice {
    let link = format!("/account/requests/{request}");
    let (audience, kind, zh, en) = match action {
        Action::Accept => (
            Audience::Requester,
            "accepted",
            format!("「{service_zh}」的申请已被机构接受，机构会尽快和您约定时间。"),
            format!("Your request for {service_en} was accepted; the organization will agree a time with you."),
        ),
        Action::Decline { reason } => (
            Audience::Requester,
            "declined",
            format!("「{service_zh}」的申请被婉拒：{reason}"),
            format!("Your request for {service_en} was declined: {reason}"),
        ),
        Action::Schedule { at } => (
            Audience::Requester,
            "scheduled",
            format!("「{service_zh}」约定了上门时间：{}", local_time(*at)),
            format!("A visit for {service_en} is agreed: {}", local_time(*at)),
        ),
        Action::Complete => (
            Audience::Requester,
            "completed",
            format!("「{service_zh}」已完成。方便的话，请给这次服务一个评价。"),
            format!("{service_en} is done. If you like, rate it."),
        ),
        Action::Cancel { .. } => (
            Audience::Provider,
            "cancelled",
            format!("居民取消了「{service_zh}」的申请。"),
            format!("A resident cancelled a request for {service_en}."),
        ),
        Action::Reopen { reason } => (
            Audience::Provider,
            "reopened",
            format!("居民说「{service_zh}」的问题没有解决，申请已重新打开：{reason}"),
            format!("A resident says {service_en} did not solve it and reopened the request: {reason}"),
        ),
    };
    Notice {
        audience,
        kind,
        text: Message::owned(zh, en),
        link,
    }
}

/// A new request, for the organization.
pub fn on_submit(request: RequestId, service_zh: &str, service_en: &str) -> Notice {
    Notice {
        audience: Audience::Provider,
        kind: "submitted",
        text: Message::owned(
            format!("新的服务申请：「{service_zh}」。请在两个工作日内回复。"),
            format!("New request: {service_en}. Please answer within two working days."),
        ),
        link: format!("/account/requests/{request}"),
    }
}

/// A request assigned to a member, for that member.
pub fn on_assign(request: RequestId, service_zh: &str, service_en: &str) -> Notice {
    Notice {
        audience: Audience::Assignee,
        kind: "assigned",
        text: Message::owned(
            format!("「{service_zh}」的一个申请指派给了您。"),
            format!("A request for {service_en} was assigned to you."),
        ),
        link: format!("/account/requests/{request}"),
    }
}

/// A rating of 1 or 2, for the community's staff.
pub fn on_low_rating(service_zh: &str, service_en: &str) -> Notice {
    Notice {
        audience: Audience::CommunityStaff,
        kind: "follow-up",
        text: Message::owned(
            format!("「{service_zh}」收到一条不满意的评价，请在五个工作日内回访。"),
            format!("{service_en} was rated dissatisfied: follow up within five working days."),
        ),
        link: "/staff/follow-ups".to_owned(),
    }
}

/// The organization's reply to a rating, for the resident who gave it.
pub fn on_reply(request: RequestId, service_zh: &str, service_en: &str) -> Notice {
    Notice {
        audience: Audience::Requester,
        kind: "replied",
        text: Message::owned(
            format!("机构回复了您对「{service_zh}」的评价。"),
            format!("The organization replied to your rating of {service_en}."),
        ),
        link: format!("/account/requests/{request}"),
    }
}

/// A notification as its person sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub request: Option<RequestId>,
    pub text: Message,
    pub link: String,
    pub created_at: Millis,
    pub read: bool,
}

#[async_trait::async_trait]
pub trait NotificationStore: Send + Sync {
    /// The person's newest notifications.
    async fn notifications(&self, person: crate::ids::PersonId, limit: u32) -> Result<Vec<Notification>, StoreError>;
    async fn unread(&self, person: crate::ids::PersonId) -> Result<u32, StoreError>;
    /// Marks the person's notifications read (all, or those up to `up_to`); how many.
    async fn mark_read(&self, person: crate::ids::PersonId, up_to: Option<i64>, now: Millis)
        -> Result<u32, StoreError>;
    /// Whether the person also gets text messages.
    async fn set_sms(&self, person: crate::ids::PersonId, on: bool) -> Result<(), StoreError>;
    async fn sms(&self, person: crate::ids::PersonId) -> Result<bool, StoreError>;
}

pub const SHOWN: u32 = 50;

/// The caller's notifications, newest first, with how many are unread.
pub async fn list(store: &dyn NotificationStore, who: &Principal) -> Result<(Vec<Notification>, u32), AppError> {
    Ok((
        store.notifications(who.person, SHOWN).await?,
        store.unread(who.person).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_tells_the_other_side() {
        let id = RequestId::new(7).unwrap();
        let n = on_action(
            id,
            "助浴",
            "Bathing help",
            &Action::Decline {
                reason: "本周满员".into(),
            },
        );
        assert_eq!(n.audience, Audience::Requester);
        assert_eq!(n.text.zh, "「助浴」的申请被婉拒：本周满员");
        assert_eq!(n.link, "/account/requests/7");
        assert_eq!(
            on_action(id, "a", "a", &Action::Cancel { reason: None }).audience,
            Audience::Provider
        );
        assert_eq!(on_submit(id, "a", "a").audience, Audience::Provider);
        assert_eq!(on_low_rating("a", "a").audience, Audience::CommunityStaff);
    }
}
