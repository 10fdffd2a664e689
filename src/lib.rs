//! kinerja: a GraphQL API server for the assessment and supervision of ASN performance in an
//! Indonesian city government.
//!
//! The crate is split by domain area (`units`, `asn`, …), each holding its diesel models, its
//! queries, its GraphQL types and its loaders, plus shared modules: `config`, `db`, `auth`,
//! `error`, `graphql` (schema assembly, limits, pagination), `http` (transport) and `seed`.

pub mod asn;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod feedback;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod ratings;
pub mod roles;
pub mod seed;
pub mod supervision;
pub mod units;

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::clock::Time;
use crate::config::Settings;
use crate::db::PgPool;
use crate::http::{AppState, Metrics};

/// Builds the router over `pool`, verifying tokens with `keys`.
pub fn app(pool: PgPool, keys: JwtKeys, settings: Settings, time: Time) -> axum::Router {
    let state = AppState {
        schema: graphql::build_schema(settings, time),
        pool,
        keys,
        limits: settings.limits,
        metrics: Arc::new(Metrics::default()),
    };
    http::router(state)
}
