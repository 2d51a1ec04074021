//! Requests: a resident (or a family member acting for one) asks for a service, the
//! organization answers it through its life, and the resident rates it.
//!
//! Who may: the requester side is the resident a request is for, the person who made
//! it, and whoever may act for the resident now (an active family link); the provider
//! side is the members of the offering's organization; the community staff of the
//! request's community see it (oversight) but act on it only through follow-ups.
//! Everyone else is told it does not exist. Each use case is one unit of work: the
//! request's row is read under lock and moved by a conditional update, so two people
//! acting at once give one change.

use super::input::{RequestDraft, RequestInput};
use super::lifecycle::{next, Action, Side, Status};
use super::rating::{RatingInput, EDIT_DAYS};
use super::store::*;
use crate::accounts::principal::Principal;
use crate::accounts::store::Millis;
use crate::calendar::{after_working_days, after_working_hours, Day, DAY_MS};
use crate::directory::Delivery;
use crate::error::AppError;
use crate::grid::GridKind;
use crate::ids::{PersonId, RequestId};
use crate::message::Message;
use crate::notifications;
use crate::offerings::store::OfferingStatus;
use crate::validation::{required_text, FieldError};

pub const REASON_MAX: usize = 200;
/// An organization answers a new request within this many working hours.
pub const ANSWER_WITHIN_WORKING_HOURS: i64 = 48;
/// Community staff follow up a low rating within this many working days.
pub const FOLLOW_UP_WITHIN_WORKING_DAYS: u32 = 5;
/// How far ahead a visit may be scheduled.
const SCHEDULE_DAYS_AHEAD: i64 = 366;
/// How many weeks ahead "the next week with room" is looked for.
const WEEKS_LOOKED_AHEAD: i64 = 26;
pub const PAGE_MAX: u32 = 100;

pub struct Requests<'a> {
    pub store: &'a dyn RequestStore,
    pub now: Millis,
}

/// What submitting answered: the request, and whether this call made it (false: the
/// same idempotency key made it before, and this is its answer again).
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    pub request: Request,
    pub created: bool,
}

fn not_found() -> AppError {
    AppError::not_found("服务请求", "request")
}

/// A stable fingerprint of what was sent with an idempotency key (FNV-1a over its JSON):
/// the same key with a different request is refused instead of answered with the first.
pub fn fingerprint(input: &RequestInput) -> String {
    let json = serde_json::to_string(input).expect("an input serializes");
    let hash = json.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

fn key_reused() -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "Idempotency-Key",
        "这个幂等键已用于另一份不同的申请，请换一个新的",
        "this key was already used for a different request; send a new key",
    )])
}

/// Whether `who` is on the resident's side of a request: the resident, whoever made it, or
/// someone who may act for the resident now (an active family link).
pub fn on_requester_side(who: &Principal, made_by: Option<PersonId>, resident: Option<PersonId>) -> bool {
    made_by == Some(who.person) || resident.is_some_and(|r| who.may_act_for(r))
}

/// Which side `who` is on for a request, given the action's side when they could be
/// on both (staff requesting their own organization's service).
fn side_of(who: &Principal, state: &RequestState, wanted: Side) -> Option<Side> {
    let requester = on_requester_side(who, state.made_by, state.resident);
    let provider = who.role_in(state.organization).is_some();
    match (requester, provider) {
        (true, true) => Some(wanted),
        (true, false) => Some(Side::Requester),
        (false, true) => Some(Side::Provider),
        (false, false) => None,
    }
}

/// A refusal for someone on neither side: forbidden to the community staff who can see
/// it, else "no such request" (whether an id is someone else's is not told).
fn outsider(who: &Principal, state: &RequestState) -> AppError {
    if who.is_staff_of(state.community) {
        AppError::Forbidden
    } else {
        not_found()
    }
}

impl Requests<'_> {
    /// Submits a request. With an idempotency key, the same key from the same person
    /// answers with the request it made the first time (50 taps make one request).
    pub async fn submit(
        &self,
        who: &Principal,
        input: &RequestInput,
        idempotency_key: Option<&str>,
    ) -> Result<Submitted, AppError> {
        let draft = input.check()?;
        let resident = draft.on_behalf_of.unwrap_or(who.person);
        if !who.may_act_for(resident) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "on_behalf_of",
                "只能为已关联并确认的家人申请",
                "you can request only for a family member linked to your account",
            )]));
        }
        let fingerprint = fingerprint(input);
        if let Some(key) = idempotency_key {
            if let Some(earlier) = self.earlier(who.person, key, &fingerprint).await? {
                return Ok(earlier);
            }
        }
        // Read before the unit begins: a unit holds its connection, and reading through
        // the pool while holding it could wait for a connection that other units, queued
        // behind this one's row lock, hold (fifty submissions at once found that).
        let account_phone = match draft.contact_phone {
            Some(_) => None,
            None => self.store.phone_of(who.person).await?,
        };
        let mut unit = self.store.begin_requests().await?;
        let (new, names) = self
            .resolve(unit.as_mut(), who.person, resident, draft, account_phone)
            .await?;
        let new = NewRequest {
            idempotency: idempotency_key.map(|k| (k.to_owned(), fingerprint.clone())),
            ..new
        };
        let Some(id) = unit.insert_request(&new).await? else {
            // A twin with the same key committed while this one ran: answer with it.
            drop(unit);
            let key = idempotency_key.expect("only a key can collide");
            return self
                .earlier(who.person, key, &fingerprint)
                .await?
                .ok_or_else(|| AppError::Internal {
                    reference: "idempotency key collided but no request holds it".into(),
                });
        };
        unit.record_event(&NewEvent {
            request: id,
            action: "submit",
            status: Status::Submitted,
            by: who.person,
            on_behalf_of: (resident != who.person).then_some(resident),
            at: self.now,
            reason: None,
            scheduled_for: None,
        })
        .await?;
        unit.notify(
            id,
            who.person,
            &notifications::on_submit(id, &names.0, &names.1),
            self.now,
        )
        .await?;
        unit.commit().await?;
        let request = self.store.request(id).await?.ok_or_else(not_found)?;
        Ok(Submitted { request, created: true })
    }

    async fn earlier(&self, made_by: PersonId, key: &str, fingerprint: &str) -> Result<Option<Submitted>, AppError> {
        let Some((id, earlier)) = self.store.by_idempotency_key(made_by, key).await? else {
            return Ok(None);
        };
        if earlier != fingerprint {
            return Err(key_reused());
        }
        let request = self.store.request(id).await?.ok_or_else(not_found)?;
        Ok(Some(Submitted {
            request,
            created: false,
        }))
    }

    /// Checks the draft against the offering and the grid; every column of the row, and
    /// the offering's names.
    async fn resolve(
        &self,
        unit: &mut dyn RequestUnit,
        made_by: PersonId,
        resident: PersonId,
        draft: RequestDraft,
        account_phone: Option<String>,
    ) -> Result<(NewRequest, (String, String)), AppError> {
        let terms = unit
            .terms(draft.service)
            .await?
            .filter(|t| t.shown && t.status != OfferingStatus::Retired)
            .ok_or_else(|| AppError::not_found("服务", "service"))?;
        if terms.status == OfferingStatus::Paused {
            return Err(AppError::conflict(
                "这项服务暂停中，暂时不能申请",
                "the service is paused and cannot be requested now",
            ));
        }
        let mut refused = Vec::new();
        let chain = unit.place_chain(draft.grid_unit).await?;
        let community = chain.as_ref().and_then(|c| {
            c.iter()
                .find(|(_, kind)| *kind == GridKind::Community)
                .map(|(id, _)| *id)
        });
        match (&chain, community) {
            (None, _) => refused.push(FieldError::new("grid_unit_id", "没有这个地点", "is not a grid unit")),
            (Some(_), None) => refused.push(FieldError::new(
                "grid_unit_id",
                "请选到社区里的院落、小区或楼栋",
                "must be a place within a community",
            )),
            (Some(chain), Some(community)) => {
                let covered = terms.coverage.is_empty() || chain.iter().any(|(id, _)| terms.coverage.contains(id));
                if terms.delivery == Delivery::AtHome && !covered {
                    refused.push(FieldError::new(
                        "grid_unit_id",
                        "这个地址不在这项服务的上门范围内",
                        "this address is outside the area the service reaches",
                    ));
                }
                if terms.residence_required && terms.community != Some(community) {
                    refused.push(FieldError::new(
                        "grid_unit_id",
                        "这项服务只面向本社区居民",
                        "this service is only for residents of its community",
                    ));
                }
            }
        }
        if let Some(min) = terms.min_age {
            match draft.age_band {
                None => refused.push(FieldError::with(
                    "age_band",
                    Message::owned(
                        format!("这项服务面向 {min} 岁及以上的居民，请选择年龄段"),
                        format!("this service is for people aged {min} or over; choose an age band"),
                    ),
                )),
                Some(band) if band.oldest() < min => refused.push(FieldError::with(
                    "age_band",
                    Message::owned(
                        format!("这项服务面向 {min} 岁及以上的居民"),
                        format!("this service is for people aged {min} or over"),
                    ),
                )),
                Some(_) => {}
            }
        }
        if terms.disability_certificate_required && !draft.disability_certificate {
            refused.push(FieldError::new(
                "disability_certificate",
                "这项服务需要持有残疾人证",
                "this service requires a disability certificate",
            ));
        }
        let today = Day::of(self.now);
        let day = draft.preferred_date.unwrap_or(today);
        if day < today || day > today.plus(super::input::PREFERRED_DAYS_AHEAD) {
            refused.push(FieldError::new(
                "preferred_date",
                "请选择今天到 90 天以内的日期",
                "must be between today and 90 days from now",
            ));
        }
        let contact_phone = draft.contact_phone.clone().or(account_phone);
        if contact_phone.is_none() {
            refused.push(FieldError::new(
                "contact_phone",
                "请留一个联系电话",
                "is required: a number the organization can call",
            ));
        }
        if !refused.is_empty() {
            return Err(AppError::Invalid(refused));
        }
        let week = day.week_start();
        if let Some(capacity) = terms.capacity {
            let booked = unit.booked_weeks(terms.service, week).await?;
            let taken = |w: Day| booked.iter().find(|(d, _)| *d == w).map_or(0, |(_, n)| *n);
            if taken(week) >= capacity {
                let free = (1..=WEEKS_LOOKED_AHEAD)
                    .map(|i| week.plus(7 * i))
                    .find(|w| taken(*w) < capacity);
                return Err(AppError::Conflict(match free {
                    Some(w) => Message::owned(
                        format!("这一周已经约满了。最早有空位的是 {w} 开始的那一周，可以把“希望日期”改到那一周再申请"),
                        format!(
                            "this week is full; the first week with room starts on {w}: choose a date in that week"
                        ),
                    ),
                    None => Message::fixed(
                        "这项服务未来半年都已约满，请看看附近的其他服务",
                        "this service is full for the next six months; try another service nearby",
                    ),
                }));
            }
        }
        let names = (terms.name_zh.clone(), terms.name_en.clone());
        let new = NewRequest {
            service: terms.service,
            organization: terms.organization,
            category: terms.category,
            resident,
            made_by,
            grid_unit: draft.grid_unit,
            community: community.expect("checked"),
            address_detail: draft.address_detail,
            recipient: draft.recipient,
            age_band: draft.age_band,
            needs: draft.needs,
            preferred_time: draft.preferred_time,
            preferred_date: draft.preferred_date,
            week,
            notes: draft.notes,
            contact_phone: contact_phone.expect("checked"),
            answer_due: after_working_hours(self.now, ANSWER_WITHIN_WORKING_HOURS),
            submitted_at: self.now,
            idempotency: None,
        };
        Ok((new, names))
    }

    /// Accept, decline, schedule, complete, cancel or reopen.
    pub async fn act(&self, who: &Principal, id: RequestId, action: Action) -> Result<Request, AppError> {
        let action = self.checked(action)?;
        let mut unit = self.store.begin_requests().await?;
        let state = unit.request_state(id).await?.ok_or_else(not_found)?;
        let side = side_of(who, &state, action.side()).ok_or_else(|| outsider(who, &state))?;
        let to = next(state.status, &action, side, state.completed_at, self.now)?;
        if !unit.move_request(id, state.status, to, &action, self.now).await? {
            return Err(AppError::conflict(
                "这个请求刚被别人处理过，请刷新后再看",
                "someone else just changed this request; reload it",
            ));
        }
        let on_behalf_of = state.resident.filter(|r| *r != who.person && side == Side::Requester);
        unit.record_event(&NewEvent {
            request: id,
            action: action.slug(),
            status: to,
            by: who.person,
            on_behalf_of,
            at: self.now,
            reason: action.reason(),
            scheduled_for: action.scheduled_for(),
        })
        .await?;
        let notice = notifications::on_action(id, &state.service_name_zh, &state.service_name_en, &action);
        unit.notify(id, who.person, &notice, self.now).await?;
        unit.commit().await?;
        self.store.request(id).await?.ok_or_else(not_found)
    }

    /// Reasons and times, checked before anything is read.
    fn checked(&self, action: Action) -> Result<Action, AppError> {
        let reason = |text: &str| required_text("reason", text, REASON_MAX).map_err(|e| AppError::Invalid(vec![e]));
        Ok(match action {
            Action::Decline { reason: r } => Action::Decline { reason: reason(&r)? },
            Action::Reopen { reason: r } => Action::Reopen { reason: reason(&r)? },
            Action::Cancel { reason: Some(r) } if !r.trim().is_empty() => Action::Cancel {
                reason: Some(reason(&r)?),
            },
            Action::Cancel { .. } => Action::Cancel { reason: None },
            Action::Schedule { at } => {
                if at < self.now || at > self.now + SCHEDULE_DAYS_AHEAD * DAY_MS {
                    return Err(AppError::Invalid(vec![FieldError::new(
                        "scheduled_for",
                        "请选择从现在起一年以内的时间",
                        "must be a time between now and a year from now",
                    )]));
                }
                Action::Schedule { at }
            }
            other => other,
        })
    }

    /// Rates a completed request, or changes its rating within 14 days. A rating of 1
    /// or 2 opens a follow-up for the community staff.
    pub async fn rate(&self, who: &Principal, id: RequestId, input: &RatingInput) -> Result<Request, AppError> {
        let draft = input.check()?;
        let mut unit = self.store.begin_requests().await?;
        let state = unit.request_state(id).await?.ok_or_else(not_found)?;
        match side_of(who, &state, Side::Requester) {
            Some(Side::Requester) => {}
            Some(Side::Provider) => return Err(AppError::Forbidden),
            None => return Err(outsider(who, &state)),
        }
        if state.status != Status::Completed {
            return Err(AppError::conflict(
                "服务完成后才能评价",
                "only a completed request can be rated",
            ));
        }
        let earlier = unit.rating(id).await?;
        if let Some(earlier) = &earlier {
            if self.now - earlier.rated_at > EDIT_DAYS * DAY_MS {
                return Err(AppError::conflict(
                    "评价已超过 14 天，不能再修改",
                    "a rating can be changed for 14 days; this one is older",
                ));
            }
        }
        unit.put_rating(&state, &draft, who.person, earlier.as_ref().map(|r| r.score), self.now)
            .await?;
        if draft.score.needs_follow_up() {
            let due = after_working_days(self.now, FOLLOW_UP_WITHIN_WORKING_DAYS);
            if unit.open_follow_up(&state, due, self.now).await? {
                let notice = notifications::on_low_rating(&state.service_name_zh, &state.service_name_en);
                unit.notify(id, who.person, &notice, self.now).await?;
            }
        }
        unit.commit().await?;
        self.store.request(id).await?.ok_or_else(not_found)
    }

    /// A request with its timeline, for either side or the community's staff.
    pub async fn get(&self, who: &Principal, id: RequestId) -> Result<Request, AppError> {
        let request = self.store.request(id).await?.ok_or_else(not_found)?;
        let requester = on_requester_side(who, request.made_by, request.resident);
        if requester || who.role_in(request.organization).is_some() {
            Ok(request)
        } else if who.is_staff_of(request.community) {
            // Overseeing is not handling it: the door and the number are the resident's
            // and the organization's to know (PIPL).
            let mut seen = request;
            seen.contact_phone = crate::accounts::values::mask(&seen.contact_phone);
            seen.address_detail = String::new();
            Ok(seen)
        } else {
            Err(not_found())
        }
    }

    /// The caller's requests and those of the people they act for.
    pub async fn mine(
        &self,
        who: &Principal,
        bucket: Bucket,
        before: Option<RequestId>,
        limit: u32,
    ) -> Result<Vec<RequestLine>, AppError> {
        let mut people = vec![who.person];
        people.extend(who.roles.acts_for.iter().copied());
        self.list(Whose::Residents(people), bucket, Narrowing::default(), before, limit)
            .await
    }

    /// An organization's inbox, for its members.
    pub async fn inbox(
        &self,
        who: &Principal,
        organization: crate::ids::OrganizationId,
        bucket: Bucket,
        narrowing: Narrowing,
        before: Option<RequestId>,
        limit: u32,
    ) -> Result<Vec<RequestLine>, AppError> {
        if who.role_in(organization).is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        self.list(Whose::Organization(organization), bucket, narrowing, before, limit)
            .await
    }

    /// Whom an organization's requests can be assigned to, for its members.
    pub async fn assignable(
        &self,
        who: &Principal,
        organization: crate::ids::OrganizationId,
    ) -> Result<Vec<(crate::ids::PersonId, String)>, AppError> {
        if who.role_in(organization).is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        Ok(self.store.members_of(organization).await?)
    }

    /// How many of an organization's requests are new, open, overdue and closed.
    pub async fn inbox_counts(
        &self,
        who: &Principal,
        organization: crate::ids::OrganizationId,
    ) -> Result<Vec<(Bucket, u32)>, AppError> {
        if who.role_in(organization).is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        Ok(self.store.inbox_counts(organization, self.now).await?)
    }

    async fn list(
        &self,
        whose: Whose,
        bucket: Bucket,
        narrowing: Narrowing,
        before: Option<RequestId>,
        limit: u32,
    ) -> Result<Vec<RequestLine>, AppError> {
        Ok(self
            .store
            .requests(&RequestFilter {
                whose,
                bucket,
                narrowing,
                before,
                limit: limit.clamp(1, PAGE_MAX),
                now: self.now,
            })
            .await?)
    }
}
