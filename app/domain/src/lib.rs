//! The shared domain: types, validation and rules, pure and free of I/O. Compiled into
//! both the browser (wasm) and the server, re-exported there as `app::domain`.
//!
//! This is its own crate so that the compiler enforces its purity: it depends on serde,
//! thiserror and async-trait only. The store ports (`store`) are traits the server
//! implements; the use cases (`use_cases`) are the only path from any adapter to them.

pub mod accounts;
pub mod activities;
pub mod calendar;
pub mod catalog;
pub mod directory;
pub mod error;
pub mod fold;
pub mod geo;
pub mod grid;
pub mod ids;
pub mod lang;
pub mod message;
pub mod needs;
pub mod notifications;
pub mod offerings;
pub mod oversight;
pub mod participation;
pub mod place_picker;
pub mod requests;
pub mod search;
pub mod store;
pub mod use_cases;
pub mod validation;
