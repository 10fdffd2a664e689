//! Database access: the connection pool, per-request handles that count SQL statements,
//! embedded migrations and database creation.
//!
//! Every request gets a [`Db`]: a clone of the pool plus its own statement counter. Each
//! connection checked out through it is instrumented to bump that counter, so tests (and the
//! `extensions.sqlStatements` of a response, when enabled) see exactly how many statements a
//! request issued. The pool recycles connections without a test query, so checkouts cost no
//! statement of their own.
//!
//! The server's pool ([`pool_with`]) bounds the wait for a connection and sets PostgreSQL's
//! `statement_timeout` in each connection's startup packet (no statement of its own either). A
//! [`Db`] knows which of its connections are running a statement, so a request that is abandoned
//! (timed out, its client gone, the server shutting down) can have PostgreSQL cancel them before
//! their connections go back to the pool ([`Db::cancel_running`]). A cancel request is
//! delivered on a connection of its own and may reach the backend late, after the abandoned
//! statement ended; so a connection that was sent one is never handed out again, nor one that
//! came back with a statement unfinished: the pool discards it at the next checkout and opens a
//! fresh one, and a late cancel finds no statement of another request to hit.

pub mod ranked;
pub mod schema;
pub mod text_enum;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt;

use crate::error::{AppError, AppResult};

// asn.unit_id and units.head_id reference each other, so diesel cannot pick one join on its own.
diesel::joinable!(schema::asn -> schema::units (unit_id));

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pooled PostgreSQL connection.
pub type Conn = Object<AsyncPgConnection>;

/// The shared connection pool.
pub type PgPool = Pool<AsyncPgConnection>;

/// How long the pool waits, and how long a statement may run.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolTimeouts {
    /// Longest wait for a free connection, and again for a new one to connect; `None` waits
    /// as long as it takes.
    pub wait: Option<Duration>,
    /// PostgreSQL's `statement_timeout` on every connection; `None` keeps the server's.
    pub statement: Option<Duration>,
}

/// Builds a pool for `url` with at most `size` connections and no timeouts (for the commands
/// that load or migrate data, whose statements may run long).
pub fn pool(url: &str, size: usize) -> AppResult<PgPool> {
    pool_with(url, size, PoolTimeouts::default())
}

/// Builds the pool for `url` with at most `size` connections and `timeouts`.
pub fn pool_with(url: &str, size: usize, timeouts: PoolTimeouts) -> AppResult<PgPool> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::CustomFunction(Box::new(|conn| {
        std::future::ready(reusable(conn)).boxed()
    }));
    if let Some(statement) = timeouts.statement {
        let millis = statement.as_millis();
        config.custom_setup = Box::new(move |url| connect_with_options(url, millis).boxed());
    }
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(timeouts.wait)
        .create_timeout(timeouts.wait)
        .build()
        .map_err(AppError::internal)
}

/// Connects with `statement_timeout` in the startup packet (kept apart from any `options` the
/// URL already carries).
async fn connect_with_options(
    url: &str,
    statement_timeout_ms: u128,
) -> diesel::ConnectionResult<AsyncPgConnection> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|err| diesel::ConnectionError::InvalidConnectionUrl(format!("{err}")))?;
    let options = format!(
        "{} -c statement_timeout={statement_timeout_ms}",
        config.get_options().unwrap_or_default()
    );
    config.options(options.trim_start());
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|err| diesel::ConnectionError::BadConnection(err.to_string()))?;
    AsyncPgConnection::try_from_client_and_connection(client, connection).await
}

/// Whether a pooled connection may serve another checkout: not if a cancel request was sent
/// to it, nor if it came back with a statement unfinished (its work was dropped mid-statement).
/// Reads the instrumentation its last [`Db`] user set; no statement.
fn reusable(conn: &mut AsyncPgConnection) -> diesel::QueryResult<()> {
    let abandoned = conn
        .instrumentation()
        .downcast_ref::<Instrument>()
        .is_some_and(|instrument| instrument.in_flight.abandoned());
    if abandoned {
        tracing::debug!("discarding a pooled connection that was cancelled or left mid-statement");
        return Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::Unknown,
            Box::new("the connection was cancelled or left mid-statement".to_owned()),
        ));
    }
    Ok(())
}

/// Maps a failed checkout: the database unreachable, slow to accept or out of free
/// connections is `SERVICE_UNAVAILABLE` (the client may retry); anything else is `INTERNAL`.
fn checkout_error(err: PoolError) -> AppError {
    use deadpool::managed::TimeoutType;
    let unavailable = |message: &str, detail: &dyn std::fmt::Display| {
        tracing::warn!(error = %detail, "database checkout failed");
        AppError::unavailable(message)
    };
    match &err {
        PoolError::Timeout(TimeoutType::Wait) => {
            unavailable("every database connection is busy; retry later", &err)
        }
        PoolError::Timeout(_) | PoolError::Backend(_) => {
            unavailable("the database is unreachable; retry later", &err)
        }
        PoolError::Closed => unavailable("the server is shutting down; retry later", &err),
        PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_) => AppError::internal(err),
    }
}

/// A request's view of the database: the pool and the request's statement counter.
#[derive(Clone)]
pub struct Db {
    pool: PgPool,
    statements: Arc<AtomicUsize>,
    /// The connections this handle checked out, while they still carry its instrumentation.
    checked_out: Arc<Mutex<Vec<Weak<InFlight>>>>,
}

/// What a checked-out connection is doing, and how to cancel it.
struct InFlight {
    /// Statements started and not finished.
    running: AtomicUsize,
    /// Whether a cancel request was sent to the connection's backend.
    cancelled: AtomicBool,
    cancel: tokio_postgres::CancelToken,
}

impl InFlight {
    /// Whether the connection must not serve anyone else: a cancel request was sent to it
    /// (it may still arrive), or a statement was left unfinished.
    fn abandoned(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst) || self.running.load(Ordering::SeqCst) > 0
    }
}

/// How long a cancel request may take to reach PostgreSQL (a frozen server never answers).
const CANCEL_WAIT: Duration = Duration::from_secs(1);

impl Db {
    /// A handle with a fresh counter.
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            statements: Arc::new(AtomicUsize::new(0)),
            checked_out: Arc::default(),
        }
    }

    /// Checks out a connection whose statements count towards this handle.
    pub async fn conn(&self) -> AppResult<Conn> {
        let mut conn = self.pool.get().await.map_err(checkout_error)?;
        let in_flight = Arc::new(InFlight {
            running: AtomicUsize::new(0),
            cancelled: AtomicBool::new(false),
            cancel: conn.cancel_token(),
        });
        if let Ok(mut checked_out) = self.checked_out.lock() {
            // A connection's entry dies when its next user replaces the instrumentation.
            checked_out.retain(|entry| entry.strong_count() > 0);
            checked_out.push(Arc::downgrade(&in_flight));
        }
        conn.set_instrumentation(Instrument {
            statements: self.statements.clone(),
            in_flight,
        });
        Ok(conn)
    }

    /// SQL statements issued through this handle so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::Relaxed)
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Whether a statement runs on one of this handle's connections.
    pub fn is_running(&self) -> bool {
        self.checked_out.lock().is_ok_and(|checked_out| {
            checked_out
                .iter()
                .filter_map(Weak::upgrade)
                .any(|entry| entry.running.load(Ordering::SeqCst) > 0)
        })
    }

    /// Asks PostgreSQL to cancel the statements running on this handle's connections. Call it
    /// before dropping the work that uses them, so that no connection goes back to the pool
    /// with an abandoned statement still running on its backend. The connections it sends a
    /// cancel to are discarded rather than recycled: the cancel may reach a backend after its
    /// statement ended, and must not hit the next request's.
    pub async fn cancel_running(&self) {
        let running: Vec<tokio_postgres::CancelToken> = match self.checked_out.lock() {
            Ok(checked_out) => checked_out
                .iter()
                .filter_map(Weak::upgrade)
                .filter(|entry| entry.running.load(Ordering::SeqCst) > 0)
                .map(|entry| {
                    entry.cancelled.store(true, Ordering::SeqCst);
                    entry.cancel.clone()
                })
                .collect(),
            Err(_) => return,
        };
        let cancels = running.into_iter().map(|token| async move {
            match tokio::time::timeout(CANCEL_WAIT, token.cancel_query(tokio_postgres::NoTls)).await
            {
                Ok(Ok(())) => {}
                Ok(Err(err)) => tracing::warn!(error = %err, "cancelling a statement failed"),
                Err(_) => tracing::warn!("cancelling a statement timed out"),
            }
        });
        futures_util::future::join_all(cancels).await;
    }
}

/// Counts every statement a connection starts, and knows whether one is running.
struct Instrument {
    statements: Arc<AtomicUsize>,
    in_flight: Arc<InFlight>,
}

impl Instrumentation for Instrument {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => {
                self.statements.fetch_add(1, Ordering::Relaxed);
                self.in_flight.running.fetch_add(1, Ordering::SeqCst);
            }
            InstrumentationEvent::FinishQuery { .. } => {
                let _ = self.in_flight.running.fetch_update(
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                    |running| running.checked_sub(1),
                );
            }
            _ => {}
        }
    }
}

/// Creates the database named in `url` if it does not exist, connecting to the `postgres`
/// maintenance database of the same server.
pub async fn create_database_if_missing(url: &str) -> AppResult<bool> {
    let (server, name) = split_database_url(url)?;
    let maintenance = format!("{server}/postgres");
    let mut conn = AsyncPgConnection::establish(&maintenance)
        .await
        .map_err(AppError::internal)?;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(&name)
            .get_result(&mut conn)
            .await?;
    if found.exists {
        return Ok(false);
    }
    conn.batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name)))
        .await?;
    Ok(true)
}

/// Drops the database named in `url` (tests only use this for their own databases).
pub async fn drop_database(url: &str) -> AppResult<()> {
    let (server, name) = split_database_url(url)?;
    let mut conn = AsyncPgConnection::establish(&format!("{server}/postgres"))
        .await
        .map_err(AppError::internal)?;
    conn.batch_execute(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(&name)
    ))
    .await?;
    Ok(())
}

/// Splits `postgres://host/name?opts` into (`postgres://host`, `name`).
fn split_database_url(url: &str) -> AppResult<(String, String)> {
    let without_query = url.split('?').next().unwrap_or(url);
    let (server, name) = without_query
        .rsplit_once('/')
        .filter(|(server, name)| {
            server.contains("://") && !server.ends_with('/') && !name.is_empty()
        })
        .ok_or_else(|| AppError::bad_input(format!("DATABASE_URL has no database name: {url}")))?;
    Ok((server.to_owned(), name.to_owned()))
}

/// Quotes an SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Runs all pending migrations on the database at `url`; returns how many ran.
pub async fn run_migrations(url: &str) -> AppResult<usize> {
    let conn = AsyncPgConnection::establish(url)
        .await
        .map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let mut wrapper: diesel_async::async_connection_wrapper::AsyncConnectionWrapper<
            AsyncPgConnection,
        > = diesel_async::async_connection_wrapper::AsyncConnectionWrapper::from(conn);
        wrapper
            .run_pending_migrations(MIGRATIONS)
            .map(|done| done.len())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_database_urls() {
        let (server, name) = split_database_url("postgres://localhost/kinerja").unwrap();
        assert_eq!(
            (server.as_str(), name.as_str()),
            ("postgres://localhost", "kinerja")
        );
        let (server, name) =
            split_database_url("postgres://u:p@127.0.0.1:5432/kin_1?sslmode=disable").unwrap();
        assert_eq!(
            (server.as_str(), name.as_str()),
            ("postgres://u:p@127.0.0.1:5432", "kin_1")
        );
        assert!(split_database_url("postgres://localhost").is_err());
        assert!(split_database_url("postgres://localhost/").is_err());
    }
}

diesel::define_sql_function! {
    /// SQL `lower(text)`.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A `LIKE` pattern matching values that contain `term` literally.
pub fn contains_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A `LIKE` pattern matching values that start with `term` literally.
pub fn prefix_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("{escaped}%")
}
