//! A kinerja server as a child process of a bench, on a database of its own: what the bench
//! binaries that measure the server from outside share.

use std::future::Future;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

use super::support::Res;

/// The signing secret the bench server verifies.
pub const SECRET: &str = "kinerja-benchmark-secret-at-least-32-bytes-long";
/// How long the server may take to migrate, seed and answer `/readyz`.
const STARTUP: Duration = Duration::from_secs(180);

/// Creates a fresh database on `KINERJA_BENCH_DATABASE_SERVER`, runs `run` on its URL, drops
/// the database and prints the wall time; the exit code says whether `run` succeeded.
pub async fn bench_main<F, Fut>(run: F) -> std::process::ExitCode
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Res<()>>,
{
    let started = Instant::now();
    let server_url = std::env::var("KINERJA_BENCH_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    let server_url = server_url.trim_end_matches('/').to_owned();
    let database = format!("kinerja_bench_{}", std::process::id());
    let result = match create_database(&server_url, &database).await {
        Ok(()) => {
            let result = run(format!("{server_url}/{database}")).await;
            if let Err(err) = drop_database(&server_url, &database).await {
                eprintln!("warning: could not drop {database}: {err}");
            }
            result
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(()) => {
            println!("wall time    {:.1} s", started.elapsed().as_secs_f64());
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("benchmark failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn admin_connection(server_url: &str) -> Res<AsyncPgConnection> {
    AsyncPgConnection::establish(&format!("{server_url}/postgres"))
        .await
        .map_err(|err| format!("cannot connect to {server_url}: {err}"))
}

async fn create_database(server_url: &str, database: &str) -> Res<()> {
    let mut conn = admin_connection(server_url).await?;
    conn.batch_execute(&format!("CREATE DATABASE {database}"))
        .await
        .map_err(|err| format!("cannot create {database}: {err}"))
}

async fn drop_database(server_url: &str, database: &str) -> Res<()> {
    let mut conn = admin_connection(server_url).await?;
    conn.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .await
        .map_err(|err| err.to_string())
}

/// The server child process; killed when dropped, whatever happened.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `kinerja serve --demo` on `database_url` with extra environment `env`.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Res<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|err| format!("no free port: {err}"))?
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_kinerja"))
            .args(["serve", "--demo", "--bind", &addr])
            .env("DATABASE_URL", database_url)
            .env("KINERJA_JWT_SECRET", SECRET)
            .envs(env.iter().copied())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|err| format!("cannot start the server: {err}"))?;
        Ok(Self { child, addr })
    }

    /// The server's resident set size in KiB.
    pub fn rss_kib(&self) -> Res<u64> {
        self.status_kib("VmRSS")
    }

    /// A size in KiB of the server's `/proc/<pid>/status` (`VmRSS`, `VmHWM`, …).
    pub fn status_kib(&self, field: &str) -> Res<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .map_err(|err| format!("cannot read the server's /proc status: {err}"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| format!("no {field} in the server's /proc status"))
    }

    /// CPU time the server has used so far.
    pub fn cpu(&self) -> Res<Duration> {
        cpu_time(&self.child.id().to_string())
    }

    /// `http://ADDR/path`.
    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// User plus system CPU time of process `pid` (or `self`), from `/proc/<pid>/stat`.
pub fn cpu_time(pid: &str) -> Res<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|err| format!("cannot read /proc/{pid}/stat: {err}"))?;
    // The fields after the command name (which may hold spaces) start with the state, field 3;
    // utime and stime are fields 14 and 15, in USER_HZ ticks (100 per second on Linux).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<u64>().ok());
    let total = ticks(14)
        .zip(ticks(15))
        .map(|(user, system)| user + system)
        .ok_or_else(|| format!("unreadable /proc/{pid}/stat"))?;
    Ok(Duration::from_millis(total * 10))
}

/// Waits until the server answers `/readyz`.
pub async fn wait_ready(http: &reqwest::Client, server: &mut Server) -> Res<()> {
    let deadline = Instant::now() + STARTUP;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("the server exited during startup: {status}"));
        }
        if let Ok(response) = http.get(server.http("/readyz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err("the server did not become ready".into())
}
