//! Database access: the connection pool, per-request handles that count SQL statements,
//! embedded migrations and database creation.
//!
//! Every request gets a [`Db`]: a clone of the pool plus its own statement counter. Each
//! connection checked out through it is instrumented to bump that counter, so tests (and the
//! `extensions.sqlStatements` of a response, when enabled) see exactly how many statements a
//! request issued. The pool recycles connections without a test query, so checkouts cost no
//! statement of their own.

pub mod ranked;
pub mod schema;
pub mod text_enum;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::{AppError, AppResult};

// asn.unit_id and units.head_id reference each other, so diesel cannot pick one join on its own.
diesel::joinable!(schema::asn -> schema::units (unit_id));

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pooled PostgreSQL connection.
pub type Conn = Object<AsyncPgConnection>;

/// The shared connection pool.
pub type PgPool = Pool<AsyncPgConnection>;

/// Builds the pool for `url` with at most `size` connections.
pub fn pool(url: &str, size: usize) -> AppResult<PgPool> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(AppError::internal)
}

/// A request's view of the database: the pool and the request's statement counter.
#[derive(Clone)]
pub struct Db {
    pool: PgPool,
    statements: Arc<AtomicUsize>,
}

impl Db {
    /// A handle with a fresh counter.
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            statements: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Checks out a connection whose statements count towards this handle.
    pub async fn conn(&self) -> AppResult<Conn> {
        let mut conn = self.pool.get().await.map_err(AppError::internal)?;
        conn.set_instrumentation(StatementCounter(self.statements.clone()));
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
}

/// Counts every statement a connection starts.
struct StatementCounter(Arc<AtomicUsize>);

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, Ordering::Relaxed);
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
