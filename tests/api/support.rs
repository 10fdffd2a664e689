//! Test harness: one PostgreSQL database per test, cloned from a template that is migrated and
//! seeded with the demo data once per schema version; clients per persona; a real HTTP server.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Request, Variables};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use kinerja::auth::jwt::JwtKeys;
use kinerja::auth::load_viewer;
use kinerja::clock::{ManualClock, Time, wib};
use kinerja::config::{Limits, Settings};
use kinerja::db::{self, Db, PgPool};
use kinerja::graphql::{KinerjaSchema, build_schema, prepare};
use serde_json::Value;

/// The PostgreSQL server the tests use.
pub fn server_url() -> String {
    std::env::var("KINERJA_TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// The secret test tokens are signed with.
pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

pub use kinerja::seed::demo_data::personas;

/// A fingerprint of everything the template depends on.
fn template_name() -> String {
    let mut hasher = DefaultHasher::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = walk(&root.join("migrations"));
    files.extend(walk(&root.join("src")));
    files.sort();
    for file in files {
        file.to_string_lossy().hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    format!("{}{:016x}", template_prefix(), hasher.finish())
}

/// Template names of this checkout; each checkout cleans up only its own old templates.
fn template_prefix() -> String {
    let mut hasher = DefaultHasher::new();
    env!("CARGO_MANIFEST_DIR").hash(&mut hasher);
    format!("kinerja_tpl_{:08x}_", hasher.finish() as u32)
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// What a test database starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixture {
    /// The directory only (units, ASN, roles): for tests that count what they write.
    Directory,
    /// The whole demo data set, review records included.
    Demo,
    /// Migrated and empty: for data sets that need a database of their own (`seed city`).
    Empty,
}

/// Makes sure the template for `fixture` exists on the PostgreSQL server at `server`; safe
/// across concurrent test processes.
pub async fn ensure_template(server: &str, fixture: Fixture) -> String {
    let name = format!(
        "{}_{}",
        template_name(),
        match fixture {
            Fixture::Directory => "dir",
            Fixture::Demo => "demo",
            Fixture::Empty => "empty",
        }
    );
    let admin_url = format!("{server}/postgres");
    let mut admin = AsyncPgConnection::establish(&admin_url)
        .await
        .expect("connect to postgres");
    admin
        .batch_execute("SELECT pg_advisory_lock(74211)")
        .await
        .expect("lock");
    let exists: bool = {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        #[derive(QueryableByName)]
        struct Found {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            found: bool,
        }
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS found")
            .bind::<diesel::sql_types::Text, _>(&name)
            .get_result::<Found>(&mut admin)
            .await
            .expect("check template")
            .found
    };
    if !exists {
        // Templates of earlier schema versions are no longer needed.
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        #[derive(QueryableByName)]
        struct Stale {
            #[diesel(sql_type = diesel::sql_types::Text)]
            datname: String,
        }
        let stale: Vec<Stale> =
            diesel::sql_query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
                .bind::<diesel::sql_types::Text, _>(template_prefix())
                .load(&mut admin)
                .await
                .expect("list templates");
        for old in stale
            .into_iter()
            .filter(|old| !old.datname.starts_with(&template_name()))
        {
            let _ = db::drop_database(&format!("{server}/{}", old.datname)).await;
        }
        let building = format!("{name}_building");
        let url = format!("{server}/{building}");
        db::drop_database(&url).await.expect("drop stale");
        db::create_database_if_missing(&url)
            .await
            .expect("create template");
        db::run_migrations(&url).await.expect("migrate template");
        let pool = db::pool(&url, 2).expect("pool");
        let seeded = match fixture {
            Fixture::Directory => {
                kinerja::seed::directory(&Db::new(pool.clone()), test_now()).await
            }
            Fixture::Demo => kinerja::seed::demo(&Db::new(pool.clone()), test_now()).await,
            Fixture::Empty => Ok(kinerja::seed::SeedReport::default()),
        };
        seeded.expect("seed template");
        pool.close();
        drop(pool);
        admin
            .batch_execute(&format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
            ))
            .await
            .expect("publish template");
    }
    admin
        .batch_execute("SELECT pg_advisory_unlock(74211)")
        .await
        .expect("unlock");
    name
}

/// The moment every test app starts at: 2026-11-28 09:00 WIB.
pub fn test_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-28T02:00:00Z")
        .expect("valid time")
        .with_timezone(&chrono::Utc)
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// One test's database, server and schema.
pub struct TestApp {
    /// Turning it true shuts the server's sockets down.
    pub stop: tokio::sync::watch::Sender<bool>,
    /// The clock every request of this app reads; tests move it.
    pub clock: ManualClock,
    pub url: String,
    pub pool: PgPool,
    pub schema: KinerjaSchema,
    pub keys: JwtKeys,
    pub addr: SocketAddr,
    name: String,
}

impl TestApp {
    /// A fresh copy of the demo database with a server on an ephemeral port.
    pub async fn new() -> TestApp {
        Self::with_limits(Limits::default()).await
    }

    /// Like [`TestApp::new`] with other request limits.
    pub async fn with_limits(limits: Limits) -> TestApp {
        Self::with_settings(Settings {
            limits,
            ..Settings::default()
        })
        .await
    }

    /// Like [`TestApp::new`] with other settings. The clock starts at [`test_now`].
    pub async fn with_settings(settings: Settings) -> TestApp {
        Self::build(Fixture::Demo, settings).await
    }

    /// A fresh database holding the directory only (no review records).
    pub async fn bare() -> TestApp {
        Self::build(Fixture::Directory, Settings::default()).await
    }

    /// A fresh database that is migrated and holds no data.
    pub async fn empty() -> TestApp {
        Self::build(Fixture::Empty, Settings::default()).await
    }

    /// A test app on a copy of the `fixture` template.
    pub async fn build(fixture: Fixture, settings: Settings) -> TestApp {
        Self::build_on(&server_url(), fixture, settings).await
    }

    /// A test app on a copy of the `fixture` template of the PostgreSQL server at `server`
    /// (e.g. a throwaway [`crate::cluster::Cluster`]).
    pub async fn build_on(server: &str, fixture: Fixture, mut settings: Settings) -> TestApp {
        settings.report_statements = true;
        let template = ensure_template(server, fixture).await;
        let name = format!(
            "kinerja_t_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = AsyncPgConnection::establish(&format!("{server}/postgres"))
            .await
            .expect("connect");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .expect("drop old test database");
        admin
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            ))
            .await
            .expect("clone template");
        let url = format!("{server}/{name}");
        let pool = db::pool_with(&url, 8, settings.transport.pool_timeouts()).expect("pool");
        let clock = ManualClock::new(test_now());
        // Tokens are issued and verified by the app's clock.
        let keys = JwtKeys::hs256(SECRET).with_clock(std::sync::Arc::new(clock.clone()));
        let time = Time::new(std::sync::Arc::new(clock.clone()), wib());
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let app = kinerja::app(
            pool.clone(),
            &url,
            keys.clone(),
            settings,
            time.clone(),
            stopping,
        )
        .await
        .expect("app");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(app.serve(listener));
        TestApp {
            stop,
            clock,
            url,
            pool,
            schema: build_schema(settings, time, kinerja::events::hub::Hub::new()),
            keys,
            addr,
            name,
        }
    }

    /// Starts a second server instance on the same database (its own listener and hub);
    /// returns its address.
    pub async fn second_instance(&self) -> SocketAddr {
        let pool = db::pool(&self.url, 4).expect("pool");
        let time = Time::new(std::sync::Arc::new(self.clock.clone()), wib());
        let app = kinerja::app(
            pool,
            &self.url,
            self.keys.clone(),
            Settings::default(),
            time,
            self.stop.subscribe(),
        )
        .await
        .expect("app");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(app.serve(listener));
        addr
    }

    /// What the app's clock shows.
    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use kinerja::clock::Clock;
        self.clock.now()
    }

    /// A token for `nip`.
    pub fn token(&self, nip: &str) -> String {
        self.keys.issue(nip, 3600).expect("token")
    }

    /// Runs `query` in-process as the ASN with `nip` (or anonymously); returns the response
    /// JSON and the number of SQL statements the request issued, viewer lookup included.
    pub async fn run(&self, nip: Option<&str>, query: &str, variables: Value) -> (Value, usize) {
        let db = Db::new(self.pool.clone());
        let viewer = match nip {
            Some(nip) => {
                let mut conn = db.conn().await.expect("conn");
                Some(load_viewer(&mut conn, nip).await.expect("viewer"))
            }
            None => None,
        };
        let request = Request::new(query).variables(Variables::from_json(variables));
        let response = self
            .schema
            .execute(prepare(request, db.clone(), viewer))
            .await;
        (
            serde_json::to_value(&response).expect("json"),
            db.statements(),
        )
    }

    /// [`TestApp::run`] without the count.
    pub async fn query(&self, nip: &str, query: &str, variables: Value) -> Value {
        self.run(Some(nip), query, variables).await.0
    }

    /// The text of the test server's `/metrics`.
    pub async fn metrics(&self) -> String {
        reqwest::get(self.http("/metrics"))
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// `http://…/path` of the test server.
    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A connection for arranging fixtures.
    pub async fn conn(&self) -> db::Conn {
        Db::new(self.pool.clone()).conn().await.expect("conn")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.pool.close();
        let url = self.url.clone();
        let _ = &self.name;
        // Async work cannot run in Drop; a short-lived runtime on another thread drops the
        // database (WITH FORCE ends the server task's connections).
        let _ = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                let _ = runtime.block_on(db::drop_database(&url));
            }
        })
        .join();
    }
}

/// The error codes of a response, in order.
pub fn codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("<none>")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts a response has no errors and returns its data.
pub fn data(response: Value) -> Value {
    assert!(
        response.get("errors").is_none(),
        "unexpected errors: {response:#}"
    );
    response["data"].clone()
}
