//! Accounts: people, how they sign in, their roles and family links, organizations'
//! registration and oversight. Values and rules here; persistence behind the ports in
//! [`store`] and [`secrets`].

pub mod principal;
pub mod secrets;
pub mod store;
pub mod use_cases;
pub mod values;

/// The privacy notice a person accepts at sign-up; a new text gets a new version.
pub const NOTICE_VERSION: &str = "2026-11-26";
/// A one-time code lives five minutes and allows five tries.
pub const CODE_TTL_MS: i64 = 5 * 60 * 1000;
pub const CODE_MAX_TRIES: u32 = 5;
/// A session ends after 14 idle days, and after 30 days however active.
pub const SESSION_IDLE_MS: i64 = 14 * 24 * 3600 * 1000;
pub const SESSION_ABSOLUTE_MS: i64 = 30 * 24 * 3600 * 1000;
/// A sign-up waits a day for its code.
pub const REGISTRATION_TTL_MS: i64 = 24 * 3600 * 1000;

/// A limit: at most `max` hits per `window_ms`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: u64,
    pub window_ms: i64,
}

const MINUTE: i64 = 60 * 1000;

/// Codes sent to one number: a few an hour (each costs an SMS and could harass).
pub const CODES_PER_LOGIN: Limit = Limit {
    name: "code-login",
    max: 5,
    window_ms: 60 * MINUTE,
};
pub const CODES_PER_CLIENT: Limit = Limit {
    name: "code-client",
    max: 20,
    window_ms: 60 * MINUTE,
};
/// Sign-in attempts for one account, and from one client address.
pub const SIGN_INS_PER_LOGIN: Limit = Limit {
    name: "sign-in-login",
    max: 10,
    window_ms: 15 * MINUTE,
};
pub const SIGN_INS_PER_CLIENT: Limit = Limit {
    name: "sign-in-client",
    max: 50,
    window_ms: 15 * MINUTE,
};
/// Organizations one person registers: a few a day is plenty for a real one.
pub const ORGANIZATIONS_PER_PERSON: Limit = Limit {
    name: "organizations-person",
    max: 5,
    window_ms: 24 * 60 * MINUTE,
};
/// Family-link requests one person sends (each texts someone a code).
pub const FAMILY_LINKS_PER_PERSON: Limit = Limit {
    name: "family-links-person",
    max: 10,
    window_ms: 60 * MINUTE,
};
pub const SIGN_UPS_PER_CLIENT: Limit = Limit {
    name: "sign-up-client",
    max: 10,
    window_ms: 60 * MINUTE,
};
