//! Widgets shared by pages.

pub mod category_tiles;
pub mod client_only;
pub mod form;
pub mod layout;
pub mod pager;
pub mod prefs_forms;
pub mod read_aloud;
pub mod reviews;
pub mod service_card;
pub mod status;
