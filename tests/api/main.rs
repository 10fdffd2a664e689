//! Integration tests against a real PostgreSQL: one database per test, cloned from a migrated
//! and seeded template, so tests run in parallel.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly when a response has an unexpected shape"
)]

mod activities;
mod activity_reads;
mod activity_reviews;
mod analytics;
mod appeals;
mod bench_queries;
mod city;
mod cluster;
mod directory;
pub mod evaluations;
mod faults;
mod feedback;
mod hostile;
mod limits;
mod live;
mod matrix;
mod pagination;
pub mod persisted;
mod replay;
mod roles;
mod schema_drift;
mod seed;
mod shutdown;
mod statements;
mod supervision;
mod support;
mod targets;
mod tokens;
mod transport;
pub mod websocket;
