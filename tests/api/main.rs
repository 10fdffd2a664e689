//! Integration tests against a real PostgreSQL: one database per test, cloned from a migrated
//! and seeded template, so tests run in parallel.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly when a response has an unexpected shape"
)]

mod directory;
mod feedback;
mod limits;
mod pagination;
mod roles;
mod schema_drift;
mod seed;
mod statements;
mod supervision;
mod support;
mod tokens;
mod transport;
mod websocket;
