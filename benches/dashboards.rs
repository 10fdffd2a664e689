//! Dashboard benchmark: the queries of `bench/*.graphql` under concurrent load against a
//! running server, and the equivalent SQL of `bench/*.sql` run directly on its database.
//!
//! Start a server on city-scale data with statement reporting, then run the bench:
//!
//! ```sh
//! DATABASE_URL=postgres://127.0.0.1/kinerja_city cargo run --release -- seed city
//! DATABASE_URL=postgres://127.0.0.1/kinerja_city cargo run --release -- serve --report-statements
//! DATABASE_URL=postgres://127.0.0.1/kinerja_city cargo bench --bench dashboards
//! ```
//!
//! For each query it prints requests per second, p50/p99 latency and SQL statements per request
//! (from `extensions.sqlStatements`), then the same for the SQL file, and the ratio. The queries
//! run as the ADMIN persona, who may read everything, so both sides read the same rows.
//! Variables: `$unit` (the global ID of `BENCH_UNIT_CODE`), `$year` (`BENCH_YEAR`); the SQL
//! files get the unit's row id as `$1` and the year as `$2`. Environment: `BENCH_SERVER`
//! (`http://127.0.0.1:8080`), `DATABASE_URL` (`postgres://localhost/kinerja`),
//! `KINERJA_JWT_SECRET` (the development secret), `BENCH_CONCURRENCY` (8), `BENCH_SECONDS` (10
//! per query and side), `BENCH_UNIT_CODE`, `BENCH_YEAR` (2026), `BENCH_ONLY` (a query name).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kinerja::auth::jwt::JwtKeys;
use kinerja::seed::demo_data::personas;
use serde_json::json;
use tokio::task::JoinSet;

mod support;

use support::{Res, env_or, load_average, ms, percentile, post_graphql};

/// One dashboard query and its SQL equivalent.
struct Case {
    name: String,
    graphql: String,
    sql: String,
}

/// The figures of one side of one case.
struct Figures {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    statements: Option<f64>,
}

impl Figures {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn line(&self, side: &str) -> String {
        let statements = self
            .statements
            .map_or_else(|| "1 (one statement)".to_owned(), |s| format!("{s:.1}"));
        format!(
            "  {side:<8} {:>8.1} req/s  p50 {:>7}  p99 {:>7}  statements/request {statements}",
            self.per_second(),
            ms(percentile(&self.latencies, 50.0)),
            ms(percentile(&self.latencies, 99.0)),
        )
    }
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Nullable<Text>)]
    json: Option<String>,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn cases(only: Option<&str>) -> Res<Vec<Case>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|err| format!("cannot read {}: {err}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "graphql"))
        .collect();
    entries.sort();
    let mut cases = Vec::new();
    for path in entries {
        let name = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        if only.is_some_and(|only| only != name) {
            continue;
        }
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|err| format!("cannot read {}: {err}", path.display()))
        };
        cases.push(Case {
            graphql: read(&path)?,
            sql: read(&path.with_extension("sql"))?,
            name,
        });
    }
    Ok(cases)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("benchmark failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Res<()> {
    let server: String = env_or("BENCH_SERVER", "http://127.0.0.1:8080".to_owned())?;
    let database_url: String = env_or("DATABASE_URL", "postgres://localhost/kinerja".to_owned())?;
    let secret: String = env_or(
        "KINERJA_JWT_SECRET",
        kinerja::config::DEV_JWT_SECRET.to_owned(),
    )?;
    let concurrency: usize = env_or("BENCH_CONCURRENCY", 8)?;
    let seconds: u64 = env_or("BENCH_SECONDS", 10)?;
    let unit_code: String = env_or("BENCH_UNIT_CODE", "DINKES".to_owned())?;
    let year: i32 = env_or("BENCH_YEAR", 2026)?;
    let only = std::env::var("BENCH_ONLY").ok();
    if concurrency == 0 || seconds == 0 {
        return Err("BENCH_CONCURRENCY and BENCH_SECONDS must be > 0".into());
    }
    let cases = cases(only.as_deref())?;

    let token = JwtKeys::hs256(secret.as_bytes())
        .issue(personas::ADMIN, 3600)
        .map_err(|err| err.message().to_owned())?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(concurrency)
        .build()
        .map_err(|err| err.to_string())?;
    let endpoint: Arc<str> = format!("{}/graphql", server.trim_end_matches('/')).into();
    let lookup = post_graphql(
        &http,
        &endpoint,
        &token,
        "query ($code: String!) { unit(code: $code) { id } }",
        &json!({ "code": unit_code }),
    )
    .await?;
    let unit = lookup["data"]["unit"]["id"]
        .as_str()
        .ok_or_else(|| format!("no unit {unit_code} on {server}: {lookup}"))?
        .to_owned();
    let variables = Arc::new(json!({ "unit": unit, "year": year }));

    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(&database_url);
    let pool = Pool::builder(manager)
        .max_size(concurrency)
        .build()
        .map_err(|err| err.to_string())?;
    let unit_row = {
        let mut conn = pool.get().await.map_err(|err| err.to_string())?;
        diesel::sql_query("SELECT id FROM units WHERE code = $1")
            .bind::<Text, _>(&unit_code)
            .get_result::<IdRow>(&mut conn)
            .await
            .map_err(|err| format!("no unit {unit_code} in {database_url}: {err}"))?
            .id
    };

    println!(
        "dashboard benchmark: {} queries, {concurrency} concurrent clients, {seconds} s per side, unit {unit_code}, year {year}, load {}",
        cases.len(),
        load_average()
    );
    let window = Duration::from_secs(seconds);
    for case in cases {
        let api = {
            let (http, endpoint, token, query, variables) = (
                http.clone(),
                endpoint.clone(),
                Arc::<str>::from(token.as_str()),
                Arc::<str>::from(case.graphql.as_str()),
                variables.clone(),
            );
            load(concurrency, window, move || {
                let (http, endpoint, token, query, variables) = (
                    http.clone(),
                    endpoint.clone(),
                    token.clone(),
                    query.clone(),
                    variables.clone(),
                );
                async move {
                    let body = post_graphql(&http, &endpoint, &token, &query, &variables).await?;
                    if body.get("errors").is_some() {
                        return Err(format!("the query failed: {body}"));
                    }
                    Ok(body["extensions"]["sqlStatements"].as_u64())
                }
            })
            .await?
        };
        let sql = {
            let (pool, sql) = (pool.clone(), Arc::<str>::from(case.sql.as_str()));
            load(concurrency, window, move || {
                let (pool, sql) = (pool.clone(), sql.clone());
                async move {
                    let mut conn = pool.get().await.map_err(|err| err.to_string())?;
                    let rows: Vec<JsonRow> = diesel::sql_query(&*sql)
                        .bind::<BigInt, _>(unit_row)
                        .bind::<Integer, _>(year)
                        .load(&mut conn)
                        .await
                        .map_err(|err| format!("the SQL failed: {err}"))?;
                    // As the API side checks for errors: an equivalent answers something.
                    if rows.iter().all(|row| row.json.is_none()) {
                        return Err("the SQL answered no JSON".to_owned());
                    }
                    Ok(None)
                }
            })
            .await?
        };
        println!("{}", case.name);
        println!("{}", api.line("graphql"));
        println!("{}", sql.line("sql"));
        println!(
            "  ratio    {:.0}% of the SQL's throughput",
            100.0 * api.per_second() / sql.per_second()
        );
    }
    Ok(())
}

/// Runs `request` from `concurrency` clients for `window`; each returns the statement count
/// the server reported, if any.
async fn load<F, Fut>(concurrency: usize, window: Duration, request: F) -> Res<Figures>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Res<Option<u64>>> + Send + 'static,
{
    // One untimed request first: it warms caches and fails fast on a broken query.
    request().await?;
    let request = Arc::new(request);
    let started = Instant::now();
    let mut clients = JoinSet::new();
    for _ in 0..concurrency {
        let request = request.clone();
        clients.spawn(async move {
            let mut latencies = Vec::new();
            let mut statements = Vec::new();
            while started.elapsed() < window {
                let sent = Instant::now();
                let counted = request().await?;
                latencies.push(sent.elapsed());
                statements.extend(counted);
            }
            Res::Ok((latencies, statements))
        });
    }
    let mut latencies = Vec::new();
    let mut statements = Vec::new();
    while let Some(done) = clients.join_next().await {
        let (l, s) = done.map_err(|err| err.to_string())??;
        latencies.extend(l);
        statements.extend(s);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let statements = (!statements.is_empty())
        .then(|| statements.iter().sum::<u64>() as f64 / statements.len() as f64);
    Ok(Figures {
        requests: latencies.len(),
        elapsed,
        latencies,
        statements,
    })
}
