//! Server functions: thin adapters from the pages to the use cases. Each reads the store
//! and the resident's preferences from context, calls one use case, and sets the HTTP
//! status of any error. Fixed endpoints keep the URLs stable for tests and tools.

pub mod account;
pub mod activities;
#[cfg(feature = "ssr")]
pub mod context;
pub mod directory;
pub mod error;
pub mod needs;
pub mod offerings;
pub mod requests;
