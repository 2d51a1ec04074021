//! Service offerings as their organizations publish them (the write side of the
//! directory): the fields and their checks (`draft`), opening hours (`hours`), the
//! store port (`store`) and the use cases (`use_cases`).

pub mod draft;
pub mod form;
pub mod hours;
pub mod photo;
pub mod store;
pub mod use_cases;

#[cfg(test)]
mod tests;
