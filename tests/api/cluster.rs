//! Throwaway PostgreSQL clusters for tests that must stop the database, restart it or read its
//! server-wide statistics (`pg_stat_statements`), which the shared server cannot allow.
//!
//! A cluster is initialised once per test process (`initdb`, as the `postgres` user when the
//! tests run as root) and copied for each [`Cluster`], which listens on its own port on
//! 127.0.0.1 and is removed when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A running (or stopped) PostgreSQL cluster of one test.
pub struct Cluster {
    dir: PathBuf,
    port: u16,
    options: Vec<String>,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The directory of the PostgreSQL server programs (the newest installed version).
fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server programs under /usr/lib/postgresql")
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().expect("an initdb")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Runs a server program, as `postgres` when the tests run as root (PostgreSQL refuses root).
fn run(program: &str, args: &[&str]) -> std::process::Output {
    let path = bin_dir().join(program);
    let output = if running_as_root() {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(&path)
            .args(args)
            .output()
    } else {
        Command::new(&path).args(args).output()
    };
    output.unwrap_or_else(|err| panic!("run {program}: {err}"))
}

/// Runs a shell command as the cluster's owner.
fn as_owner(command: &str) {
    let status = if running_as_root() {
        Command::new("runuser")
            .args(["-u", "postgres", "--", "sh", "-c", command])
            .status()
    } else {
        Command::new("sh").args(["-c", command]).status()
    };
    assert!(
        status.is_ok_and(|s| s.success()),
        "`{command}` failed as the cluster owner"
    );
}

/// A freshly initialised data directory that each cluster copies (initdb takes seconds).
fn pristine() -> &'static Path {
    static PRISTINE: OnceLock<PathBuf> = OnceLock::new();
    PRISTINE.get_or_init(|| {
        remove_leftovers();
        let dir = std::env::temp_dir().join(format!("kinerja-pg-{}-pristine", std::process::id()));
        as_owner(&format!("rm -rf '{0}' && mkdir -p '{0}'", dir.display()));
        let data = dir.display().to_string();
        let out = run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

/// Removes the clusters of earlier test processes that are gone (killed before their drop ran).
fn remove_leftovers() {
    for entry in std::fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("kinerja-pg-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let data = entry.path().display().to_string();
            let _ = run("pg_ctl", &["stop", "-D", &data, "-m", "immediate"]);
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

impl Cluster {
    /// Starts a new cluster with extra server settings (`-c name=value` each), e.g.
    /// `shared_preload_libraries=pg_stat_statements`.
    pub fn start(settings: &[&str]) -> Cluster {
        let dir = std::env::temp_dir().join(format!(
            "kinerja-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        as_owner(&format!(
            "rm -rf '{0}' && cp -a '{1}' '{0}'",
            dir.display(),
            pristine().display()
        ));
        let cluster = Cluster {
            dir,
            port: free_port(),
            options: settings.iter().map(|s| (*s).to_owned()).collect(),
        };
        cluster.resume();
        cluster
    }

    /// `postgres://postgres@127.0.0.1:PORT` (no database name).
    pub fn server_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }

    /// Stops the server at once, as a crash or an outage would (`pg_ctl stop -m immediate`):
    /// open connections break.
    pub fn stop(&self) {
        let data = self.dir.display().to_string();
        let out = run("pg_ctl", &["stop", "-D", &data, "-m", "immediate", "-w"]);
        assert!(
            out.status.success(),
            "pg_ctl stop failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the (stopped) server again on the same port and waits until it accepts
    /// connections.
    pub fn resume(&self) {
        let data = self.dir.display().to_string();
        let mut options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{}' -c fsync=off \
             -c max_connections=60",
            self.port, data
        );
        for setting in &self.options {
            options.push_str(&format!(" -c {setting}"));
        }
        let log = format!("{data}/server.log");
        let out = run(
            "pg_ctl",
            &["start", "-D", &data, "-l", &log, "-o", &options, "-w"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "the cluster did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.display().to_string();
        let _ = run("pg_ctl", &["stop", "-D", &data, "-m", "immediate"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn a_throwaway_cluster_stops_and_resumes_on_its_port() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let cluster = Cluster::start(&[]);
    let url = format!("{}/postgres", cluster.server_url());
    let mut conn = AsyncPgConnection::establish(&url).await.expect("connect");
    conn.batch_execute("SELECT 1").await.expect("query");
    cluster.stop();
    assert!(
        conn.batch_execute("SELECT 1").await.is_err(),
        "a stopped cluster breaks open connections"
    );
    assert!(AsyncPgConnection::establish(&url).await.is_err());
    cluster.resume();
    let mut conn = AsyncPgConnection::establish(&url).await.expect("reconnect");
    conn.batch_execute("SELECT 1")
        .await
        .expect("query after resume");
}
