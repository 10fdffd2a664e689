//! kinerja: a GraphQL API server for the assessment and supervision of ASN performance in an
//! Indonesian city government.
//!
//! The crate is split by domain area (`units`, `asn`, …), each holding its diesel models, its
//! queries, its GraphQL types and its loaders, plus shared modules: `config`, `db`, `auth`,
//! `error`, `graphql` (schema assembly, limits, pagination), `http` (transport) and `seed`.

pub mod activities;
pub mod analytics;
pub mod appeals;
pub mod asn;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod evaluations;
pub mod events;
pub mod feedback;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod live;
pub mod ratings;
pub mod roles;
pub mod seed;
pub mod supervision;
pub mod targets;
pub mod units;

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::clock::Time;
use crate::config::Settings;
use crate::db::PgPool;
use crate::http::{AppState, Metrics};

/// The application: its router and what the server loop needs to drain it.
pub struct App {
    router: axum::Router,
    state: AppState,
}

impl App {
    /// The router (for serving it some other way, e.g. in-process).
    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }

    /// Serves on `listener` until the shutdown switch given to [`app`] turns true, then drains
    /// within the configured grace and returns (see [`http::serve`]).
    pub async fn serve(self, listener: tokio::net::TcpListener) {
        http::serve(listener, self.router, self.state).await;
    }
}

/// Builds the application over `pool` (for the database at `database_url`), verifying tokens
/// with `keys`, and starts this instance's event listener. When `shutdown` turns true the
/// server drains: `/readyz` answers 503, sockets close with 1001 and requests in flight finish
/// within the grace of `settings.transport`.
pub async fn app(
    pool: PgPool,
    database_url: &str,
    keys: JwtKeys,
    settings: Settings,
    time: Time,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> error::AppResult<App> {
    let hub = events::hub::Hub::new();
    hub.start(database_url.to_owned(), pool.clone()).await?;
    let state = AppState {
        schema: graphql::build_schema(settings, time.clone(), hub.clone()),
        pool,
        keys: Arc::new(keys.with_clock(time.clock())),
        time,
        limits: settings.limits,
        metrics: Arc::new(Metrics::default()),
        hub,
        sockets: Arc::default(),
        shutdown,
        transport: settings.transport,
        cancel: tokio_util::sync::CancellationToken::new(),
        open_sockets: tokio_util::task::TaskTracker::new(),
        unauthenticated: Arc::default(),
    };
    Ok(App {
        router: http::router(state.clone()),
        state,
    })
}
