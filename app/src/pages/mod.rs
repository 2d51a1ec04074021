//! One module per route.

pub mod account;
pub mod activities;
pub mod activity;
pub mod certificate;
pub mod home;
mod home_forms;
pub mod needs;
pub mod not_found;
pub mod organization;
pub mod places;
pub mod service;
pub mod settings;
