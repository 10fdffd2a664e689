//! Authentication (JWT → [`Viewer`]) and authorisation (the visibility rules in [`rules`]).
//!
//! A token names an ASN by NIP in its `sub` claim; everything else about the caller — their
//! place in the supervisor tree and their roles — comes from the database when the request
//! starts, so revoking a role takes effect on the next request.

pub mod jwt;
pub mod rules;
mod viewer;

pub use viewer::{Grant, Role, Viewer, load_viewer};
