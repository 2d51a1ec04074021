//! Who is calling: sessions (cookie) and personal API tokens (bearer), read once per
//! request into a [`Caller`] that handlers, server functions and pages share.

pub mod caller;
pub mod secrets;

pub use caller::{authenticate, Caller, SessionCookie};
