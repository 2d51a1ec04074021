//! The Doorstep server: configuration, persistence, the JSON API and the wiring that
//! serves the Leptos app. `main.rs` only parses the command line and calls in here, so
//! tests build exactly the router production runs.

pub mod app_shell;
pub mod auth;
pub mod calendar_file;
pub mod cli;
pub mod config;
pub mod demo;
pub mod forms;
pub mod generate;
pub mod hardening;
pub mod idempotency;
pub mod memory;
pub mod metrics;
pub mod page_cache;
pub mod photos;
pub mod prefs;
pub mod reminders;
pub mod request_context;
pub mod rest;
pub mod router;
pub mod search_index;
pub mod store;
pub mod telemetry;
