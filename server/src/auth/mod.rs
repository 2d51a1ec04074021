//! Who is calling: sessions (cookie) and personal API tokens (bearer), read once per
//! request into a [`Caller`] that handlers, server functions and pages share.

pub mod caller;
pub mod secrets;

pub use caller::{authenticate, AuthSettings, Caller, SessionCookie};

use crate::store::SqlStore;
use app::domain::accounts::use_cases::Accounts;

/// The accounts' use cases for one request: its store, the real secrets, now, the
/// client's address and the request id (for the audit log).
pub fn accounts<'a>(store: &'a SqlStore, caller: &'a Caller, headers: &'a http::HeaderMap) -> Accounts<'a> {
    Accounts {
        store,
        secrets: &secrets::RealSecrets,
        now: crate::store::migrate::now_millis(),
        client: &caller.client,
        request_id: headers
            .get(&crate::request_context::REQUEST_ID)
            .and_then(|v| v.to_str().ok()),
    }
}
