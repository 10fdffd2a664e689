//! `/metrics` in the Prometheus text format: request counts by status class, pool usage, live
//! subscriptions and sockets waiting for their `connection_init`.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::AppState;

/// Counters kept by the HTTP layer.
#[derive(Debug, Default)]
pub struct Metrics {
    ok: AtomicU64,
    client_errors: AtomicU64,
    server_errors: AtomicU64,
}

impl Metrics {
    /// Counts one GraphQL request that ended with `status`.
    pub fn record(&self, status: StatusCode) {
        let counter = if status.is_server_error() {
            &self.server_errors
        } else if status.is_client_error() {
            &self.client_errors
        } else {
            &self.ok
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Renders the metrics.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let metrics = &state.metrics;
    let pool = state.pool.status();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP kinerja_graphql_requests_total GraphQL HTTP requests by status class."
    );
    let _ = writeln!(out, "# TYPE kinerja_graphql_requests_total counter");
    for (class, counter) in [
        ("2xx", &metrics.ok),
        ("4xx", &metrics.client_errors),
        ("5xx", &metrics.server_errors),
    ] {
        let _ = writeln!(
            out,
            "kinerja_graphql_requests_total{{status=\"{class}\"}} {}",
            counter.load(Ordering::Relaxed)
        );
    }
    let _ = writeln!(
        out,
        "# HELP kinerja_db_pool_connections Database pool connections."
    );
    let _ = writeln!(out, "# TYPE kinerja_db_pool_connections gauge");
    let _ = writeln!(
        out,
        "kinerja_db_pool_connections{{state=\"open\"}} {}",
        pool.size
    );
    let _ = writeln!(
        out,
        "kinerja_db_pool_connections{{state=\"idle\"}} {}",
        pool.available
    );
    let _ = writeln!(
        out,
        "kinerja_db_pool_connections{{state=\"max\"}} {}",
        pool.max_size
    );
    let _ = writeln!(
        out,
        "# HELP kinerja_live_subscribers Subscriptions receiving live events on this instance."
    );
    let _ = writeln!(out, "# TYPE kinerja_live_subscribers gauge");
    let _ = writeln!(out, "kinerja_live_subscribers {}", state.hub.subscribers());
    let _ = writeln!(
        out,
        "# HELP kinerja_ws_unauthenticated_sockets WebSockets waiting for their connection_init."
    );
    let _ = writeln!(out, "# TYPE kinerja_ws_unauthenticated_sockets gauge");
    let _ = writeln!(
        out,
        "kinerja_ws_unauthenticated_sockets {}",
        state.unauthenticated.count()
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}
