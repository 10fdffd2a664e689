//! Configuration from flags and environment, with working local defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

/// The development signing secret, accepted only when the server listens on loopback.
pub const DEV_JWT_SECRET: &str = "kinerja-development-secret-do-not-use-in-production";

/// Database settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct DbConfig {
    /// PostgreSQL URL; the database is created if missing by `serve` and `migrate`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://localhost/kinerja",
        global = true
    )]
    pub database_url: String,
    /// Maximum pooled connections.
    #[arg(
        long,
        env = "KINERJA_DB_POOL_SIZE",
        default_value_t = 16,
        global = true
    )]
    pub db_pool_size: usize,
}

/// Token settings shared by `serve` and `token`.
#[derive(Debug, Clone, Args)]
pub struct JwtConfig {
    /// HS256 secret for verifying (and, with `token`, signing) JWTs.
    #[arg(
        long,
        env = "KINERJA_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<String>,
    /// PEM file with an RS256 public key of an external identity provider. When set, tokens
    /// must be RS256-signed by its private key.
    #[arg(long, env = "KINERJA_JWT_PUBLIC_KEY_FILE", global = true)]
    pub jwt_public_key_file: Option<PathBuf>,
}

/// Limits that protect the server from expensive requests.
#[derive(Debug, Clone, Copy, Args)]
pub struct Limits {
    /// Maximum nesting depth of a query.
    #[arg(long, env = "KINERJA_MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,
    /// Maximum complexity (cost) of a query; list fields multiply by their `first`.
    #[arg(long, env = "KINERJA_MAX_COMPLEXITY", default_value_t = 250_000)]
    pub max_complexity: usize,
    /// Maximum root fields of one operation.
    #[arg(long, env = "KINERJA_MAX_ROOT_FIELDS", default_value_t = 50)]
    pub max_root_fields: usize,
    /// Maximum aliased fields in one document.
    #[arg(long, env = "KINERJA_MAX_ALIASES", default_value_t = 100)]
    pub max_aliases: usize,
    /// Maximum fields of one document after expanding its fragments (each spread counts the
    /// fragment's fields again), measured before anything else runs.
    #[arg(long, env = "KINERJA_MAX_FIELDS", default_value_t = 2_000)]
    pub max_fields: usize,
    /// Maximum variables one operation declares.
    #[arg(long, env = "KINERJA_MAX_VARIABLES", default_value_t = 100)]
    pub max_variables: usize,
    /// Maximum directives written in one document.
    #[arg(long, env = "KINERJA_MAX_DIRECTIVES", default_value_t = 100)]
    pub max_directives: usize,
    /// Longest chain of `ofType` in the introspection of a caller without a token.
    #[arg(long, env = "KINERJA_MAX_ANONYMOUS_OF_TYPE_DEPTH", default_value_t = 9)]
    pub max_anonymous_of_type_depth: usize,
    /// Maximum size of a request body in bytes.
    #[arg(long, env = "KINERJA_MAX_BODY_BYTES", default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,
    /// Open WebSockets one ASN may hold.
    #[arg(long, env = "KINERJA_MAX_SOCKETS_PER_SUBJECT", default_value_t = 10)]
    pub max_sockets_per_subject: usize,
    /// Active subscriptions one WebSocket may hold.
    #[arg(
        long,
        env = "KINERJA_MAX_SUBSCRIPTIONS_PER_SOCKET",
        default_value_t = 20
    )]
    pub max_subscriptions_per_socket: usize,
    /// Operations one WebSocket may run at once: subscriptions, queries and mutations alike
    /// (the default leaves room for 10 queries or mutations beside a full budget of
    /// subscriptions). A `subscribe` beyond it is answered with an `error` message.
    #[arg(
        long,
        env = "KINERJA_MAX_OPERATIONS_PER_SOCKET",
        default_value_t = 30,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub max_operations_per_socket: usize,
    /// Seconds between the server's WebSocket pings.
    #[arg(long, env = "KINERJA_WS_PING_SECS", default_value_t = 30)]
    pub ws_ping_secs: u64,
    /// Seconds a WebSocket may stay silent (a pong to a ping counts as a sign of life) before
    /// it is closed.
    #[arg(long, env = "KINERJA_WS_IDLE_SECS", default_value_t = 120)]
    pub ws_idle_secs: u64,
    /// Bytes of persisted queries (APQ) one caller may keep registered; registering past it
    /// evicts their oldest.
    #[arg(
        long,
        env = "KINERJA_PERSISTED_QUERY_QUOTA_BYTES",
        default_value_t = 1024 * 1024
    )]
    pub persisted_query_quota_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_complexity: 250_000,
            max_root_fields: 50,
            max_aliases: 100,
            max_fields: 2_000,
            max_variables: 100,
            max_directives: 100,
            max_anonymous_of_type_depth: 9,
            max_body_bytes: 256 * 1024,
            max_sockets_per_subject: 10,
            max_subscriptions_per_socket: 20,
            max_operations_per_socket: 30,
            ws_ping_secs: 30,
            ws_idle_secs: 120,
            persisted_query_quota_bytes: 1024 * 1024,
        }
    }
}

/// Timeouts and caps that bound what one connection, request or socket may hold: a hostile or
/// broken client (or a frozen database) costs the server a bounded amount of time and memory.
/// Each is answered with a coded error or close code (see `http.rs` and `http/websocket.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Args)]
pub struct Transport {
    /// Seconds a connection may take to send the headers of a request (and may stay idle
    /// between requests); then it is closed.
    #[arg(
        long,
        env = "KINERJA_HEADER_READ_TIMEOUT_SECS",
        default_value_t = 10,
        value_parser = seconds
    )]
    pub header_read_timeout_secs: u64,
    /// Seconds a client may take to send the body of a POST once its headers arrived; then the
    /// request is answered 408 with `TIMEOUT`.
    #[arg(
        long,
        env = "KINERJA_BODY_READ_TIMEOUT_SECS",
        default_value_t = 30,
        value_parser = seconds
    )]
    pub body_read_timeout_secs: u64,
    /// Seconds a GraphQL request may run (authentication included); then its statements are
    /// cancelled and it is answered 504 with `TIMEOUT`.
    #[arg(long, env = "KINERJA_REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = seconds)]
    pub request_timeout_secs: u64,
    /// Seconds one SQL statement may run (PostgreSQL's `statement_timeout` on every pooled
    /// connection); then it fails with `TIMEOUT`.
    #[arg(
        long,
        env = "KINERJA_DB_STATEMENT_TIMEOUT_SECS",
        default_value_t = 20,
        value_parser = seconds
    )]
    pub db_statement_timeout_secs: u64,
    /// Seconds a request waits for a pooled database connection (a free one, or a new one to
    /// connect); then it is answered 503 with `SERVICE_UNAVAILABLE`.
    #[arg(long, env = "KINERJA_DB_POOL_WAIT_SECS", default_value_t = 5, value_parser = seconds)]
    pub db_pool_wait_secs: u64,
    /// Seconds a WebSocket may take to send an accepted `connection_init`; then it is closed
    /// with 4408.
    #[arg(long, env = "KINERJA_WS_INIT_TIMEOUT_SECS", default_value_t = 10, value_parser = seconds)]
    pub ws_init_timeout_secs: u64,
    /// WebSockets of this instance that may wait for their `connection_init` at once; a further
    /// upgrade is answered 503 with `SERVICE_UNAVAILABLE`.
    #[arg(
        long,
        env = "KINERJA_MAX_UNAUTHENTICATED_SOCKETS",
        default_value_t = 1000
    )]
    pub max_unauthenticated_sockets: usize,
    /// Largest WebSocket message accepted before `connection_init` is accepted (bytes); a
    /// larger one closes the socket with 1009. Afterwards messages may be as large as
    /// `KINERJA_MAX_BODY_BYTES`.
    #[arg(long, env = "KINERJA_WS_INIT_MAX_BYTES", default_value_t = 16 * 1024)]
    pub ws_init_max_bytes: usize,
    /// Seconds a shutdown (SIGTERM or SIGINT) waits for requests in flight and closing sockets
    /// before it cancels what is left.
    #[arg(long, env = "KINERJA_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,
}

/// Parses a number of seconds, at least 1.
fn seconds(value: &str) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(secs) => Ok(secs),
        Err(err) => Err(err.to_string()),
    }
}

impl Default for Transport {
    fn default() -> Self {
        Self {
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
            request_timeout_secs: 30,
            db_statement_timeout_secs: 20,
            db_pool_wait_secs: 5,
            ws_init_timeout_secs: 10,
            max_unauthenticated_sockets: 1000,
            ws_init_max_bytes: 16 * 1024,
            shutdown_grace_secs: 10,
        }
    }
}

impl Transport {
    /// The timeouts of the server's connection pool.
    pub fn pool_timeouts(&self) -> crate::db::PoolTimeouts {
        crate::db::PoolTimeouts {
            wait: Some(Duration::from_secs(self.db_pool_wait_secs)),
            statement: Some(Duration::from_secs(self.db_statement_timeout_secs)),
        }
    }
}

/// Configurable parameters of the domain rules.
#[derive(Debug, Clone, Copy, Args)]
pub struct RuleSettings {
    /// Days after an activity's date within which it may still be reported.
    #[arg(long, env = "KINERJA_ACTIVITY_WINDOW_DAYS", default_value_t = 7)]
    pub activity_window_days: i64,
    /// Effective minutes of work expected per month.
    #[arg(long, env = "KINERJA_MONTHLY_TARGET_MINUTES", default_value_t = 6750)]
    pub monthly_target_minutes: i64,
    /// Calendar days after publication within which an appeal may be filed.
    #[arg(long, env = "KINERJA_APPEAL_WINDOW_DAYS", default_value_t = 14)]
    pub appeal_window_days: i64,
    /// Hours east of UTC of the local calendar (7 = WIB).
    #[arg(long, env = "KINERJA_UTC_OFFSET_HOURS", default_value_t = 7)]
    pub utc_offset_hours: i32,
    /// Smallest group of ASN whose figures an aggregate shows to a viewer who may not read the
    /// counted records one by one (the ANALYST); figures of smaller groups, or that would
    /// reveal a smaller group by difference, are withheld.
    #[arg(
        long,
        env = "KINERJA_MIN_AGGREGATE_GROUP",
        default_value_t = 5,
        value_parser = clap::value_parser!(i64).range(1..)
    )]
    pub min_aggregate_group: i64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            activity_window_days: 7,
            monthly_target_minutes: 6750,
            appeal_window_days: 14,
            utc_offset_hours: 7,
            min_aggregate_group: 5,
        }
    }
}

/// Everything the GraphQL schema is configured with.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// Request limits.
    pub limits: Limits,
    /// Rule parameters.
    pub rules: RuleSettings,
    /// Connection, request and socket timeouts and caps.
    pub transport: Transport,
    /// Whether responses report `extensions.sqlStatements`.
    pub report_statements: bool,
}

/// Settings of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "KINERJA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Load the demo data set before serving (does nothing if it is already there).
    #[arg(long)]
    pub demo: bool,
    /// Days the event outbox keeps events for replay (`after` cursors older than this are gone).
    #[arg(long, env = "KINERJA_OUTBOX_RETENTION_DAYS", default_value_t = 30)]
    pub outbox_retention_days: i64,
    /// Days a persisted query (APQ) is kept after its registration; clients re-register it.
    #[arg(
        long,
        env = "KINERJA_PERSISTED_QUERY_RETENTION_DAYS",
        default_value_t = 30
    )]
    pub persisted_query_retention_days: i64,
    /// Report the SQL statements of each request in `extensions.sqlStatements`.
    #[arg(long, env = "KINERJA_REPORT_STATEMENTS", default_value_t = false)]
    pub report_statements: bool,
    #[command(flatten)]
    pub limits: Limits,
    #[command(flatten)]
    pub rules: RuleSettings,
    #[command(flatten)]
    pub transport: Transport,
}

impl ServeConfig {
    /// The schema settings these flags describe.
    pub fn settings(&self) -> Settings {
        Settings {
            limits: self.limits,
            rules: self.rules,
            transport: self.transport,
            report_statements: self.report_statements,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        transport: Transport,
    }

    #[derive(Parser)]
    struct LimitsCli {
        #[command(flatten)]
        limits: Limits,
    }

    #[test]
    fn operations_per_socket_default_as_documented_and_refuse_zero() {
        let parsed = LimitsCli::try_parse_from(["kinerja"]).map(|cli| cli.limits);
        assert_eq!(
            parsed.map(|limits| limits.max_operations_per_socket).ok(),
            Some(Limits::default().max_operations_per_socket)
        );
        assert_eq!(Limits::default().max_operations_per_socket, 30);
        let parsed = LimitsCli::try_parse_from(["kinerja", "--max-operations-per-socket", "3"]);
        assert_eq!(
            parsed.map(|cli| cli.limits.max_operations_per_socket).ok(),
            Some(3)
        );
        assert!(
            LimitsCli::try_parse_from(["kinerja", "--max-operations-per-socket", "0"]).is_err()
        );
    }

    #[test]
    fn transport_settings_default_as_documented_and_refuse_zero_seconds() {
        let parsed = Cli::try_parse_from(["kinerja"]).map(|cli| cli.transport);
        assert_eq!(parsed.ok(), Some(Transport::default()));
        let parsed = Cli::try_parse_from(["kinerja", "--request-timeout-secs", "5"]);
        assert_eq!(
            parsed.map(|cli| cli.transport.request_timeout_secs).ok(),
            Some(5)
        );
        let parsed = Cli::try_parse_from(["kinerja", "--shutdown-grace-secs", "0"]);
        assert_eq!(
            parsed.map(|cli| cli.transport.shutdown_grace_secs).ok(),
            Some(0)
        );
        for flag in [
            "--header-read-timeout-secs",
            "--body-read-timeout-secs",
            "--request-timeout-secs",
            "--db-statement-timeout-secs",
            "--db-pool-wait-secs",
            "--ws-init-timeout-secs",
        ] {
            assert!(
                Cli::try_parse_from(["kinerja", flag, "0"]).is_err(),
                "{flag}"
            );
        }
    }
}
