//! Who in the organization handles a request: any member assigns it to a member (often
//! themselves) or takes the assignment away; the assignee is told, and the inbox can show
//! "mine" and "nobody's yet". Closed requests keep whoever handled them.

use super::store::Request;
use super::use_cases::{on_requester_side, Requests};
use crate::accounts::principal::Principal;
use crate::error::AppError;
use crate::ids::{PersonId, RequestId};
use crate::notifications;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// The API's body and the form's field: the member, or `null` / empty for nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssignInput {
    pub person_id: Option<i64>,
}

/// Whose requests an inbox shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assignee {
    Person(PersonId),
    Nobody,
}

impl Assignee {
    /// `me` (the caller), `nobody`, or a person's id.
    pub fn parse(raw: &str, me: PersonId) -> Option<Self> {
        match raw {
            "me" => Some(Assignee::Person(me)),
            "nobody" => Some(Assignee::Nobody),
            id => id.parse().ok().and_then(PersonId::new).map(Assignee::Person),
        }
    }

    /// The slug that parses back to it for `me`.
    pub fn slug(self, me: PersonId) -> String {
        match self {
            Assignee::Nobody => "nobody".to_owned(),
            Assignee::Person(p) if p == me => "me".to_owned(),
            Assignee::Person(p) => p.to_string(),
        }
    }
}

fn not_found() -> AppError {
    AppError::not_found("服务请求", "request")
}

impl Requests<'_> {
    /// Assigns the request to a member of its organization, or to nobody.
    pub async fn assign(&self, who: &Principal, id: RequestId, input: &AssignInput) -> Result<Request, AppError> {
        let person = match input.person_id {
            None => None,
            Some(raw) => Some(PersonId::new(raw).ok_or_else(not_a_member)?),
        };
        let mut unit = self.store.begin_requests().await?;
        let state = unit.request_state(id).await?.ok_or_else(not_found)?;
        if who.role_in(state.organization).is_none() {
            let sees_it = who.is_staff_of(state.community) || on_requester_side(who, state.made_by, state.resident);
            return Err(if sees_it { AppError::Forbidden } else { not_found() });
        }
        if state.status.is_closed() {
            return Err(AppError::conflict(
                "这个请求已经结束，不需要再指派",
                "this request is closed; there is nothing to assign",
            ));
        }
        // The membership is checked by the update itself, so a member removed meanwhile
        // is not assigned.
        if !unit.assign(id, state.organization, person).await? {
            return Err(not_a_member());
        }
        if person.is_some_and(|p| p != who.person) {
            let notice = notifications::on_assign(id, &state.service_name_zh, &state.service_name_en);
            unit.notify(id, who.person, &notice, self.now).await?;
        }
        unit.commit().await?;
        self.store.request(id).await?.ok_or_else(not_found)
    }
}

fn not_a_member() -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "person_id",
        "只能指派给本机构的成员",
        "must be a member of the organization",
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inbox_narrows_to_me_to_nobody_or_to_a_member_and_says_so_back() {
        let me = PersonId::new(7).unwrap();
        let other = PersonId::new(9).unwrap();
        assert_eq!(Assignee::parse("me", me), Some(Assignee::Person(me)));
        assert_eq!(Assignee::parse("nobody", me), Some(Assignee::Nobody));
        assert_eq!(Assignee::parse("9", me), Some(Assignee::Person(other)));
        for bad in ["", "0", "-3", "someone", "9x"] {
            assert_eq!(Assignee::parse(bad, me), None, "{bad}");
        }
        for a in [Assignee::Person(me), Assignee::Nobody, Assignee::Person(other)] {
            assert_eq!(Assignee::parse(&a.slug(me), me), Some(a));
        }
    }
}
