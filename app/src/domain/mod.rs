//! The shared domain: types, validation and rules, pure and free of I/O. Compiled into
//! both the browser (wasm) and the server. The store port and use cases are server-only.

pub mod catalog;
pub mod directory;
pub mod error;
pub mod geo;
pub mod grid;
pub mod lang;
pub mod search;
pub mod validation;

#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod use_cases;
