//! JSON API handlers under `/api`. Routes are registered from the table in [`crate::routes::api_routes`].

pub mod instruments;
pub mod openapi;
