//! Residents' requests for services: what they type (`input`), the life a request goes
//! through (`lifecycle`), the rating that closes it (`rating`), the port to storage
//! (`store`), the use cases (`use_cases`), what the public sees of ratings (`reviews`)
//! and who in the organization handles a request (`assignment`).

pub mod assignment;
pub mod follow_ups;
pub mod input;
pub mod lifecycle;
pub mod rating;
pub mod reviews;
pub mod store;
pub mod use_cases;
