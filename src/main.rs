//! The `kinerja` command: `serve`, `migrate`, `seed`, `schema`, `token`.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kinerja::auth::jwt::JwtKeys;
use kinerja::config::{DbConfig, JwtConfig, ServeConfig};
use kinerja::error::{AppError, AppResult};
use kinerja::{db, seed};

/// GraphQL API server for ASN performance assessment and supervision.
#[derive(Parser)]
#[command(name = "kinerja", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    db: DbConfig,
    #[command(flatten)]
    jwt: JwtConfig,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (creates the database and runs pending migrations first).
    Serve(Box<ServeConfig>),
    /// Create the database if missing and run pending migrations.
    Migrate,
    /// Load a data set into the database (which must be empty of it).
    Seed {
        /// Which data set.
        #[arg(value_enum)]
        set: SeedSet,
        /// Random seed for generated data sets.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Size of the generated city (`seed city` only).
        #[arg(long, value_enum, default_value_t = CitySize::Full)]
        size: CitySize,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Print a JWT for the ASN with this NIP, signed with the configured secret.
    Token {
        /// NIP of the ASN the token speaks for.
        #[arg(long)]
        nip: String,
        /// Validity in seconds.
        #[arg(long, default_value_t = 8 * 3600)]
        ttl: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SeedSet {
    /// A small, deterministic slice of Pemerintah Kota Dumai with the README personas.
    Demo,
    /// City-scale generated data.
    City,
}

#[derive(Clone, Copy, ValueEnum)]
enum CitySize {
    /// The whole city: about 5,000 ASN and a year of daily activities.
    Full,
    /// Every unit with a tenth of the staff and one month of activities.
    Small,
}

/// Resolving a large response allocates and frees many small values across worker threads;
/// mimalloc does that markedly faster than the system allocator (see the dashboard bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "kinerja=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", err.message());
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> AppResult<()> {
    match cli.command {
        Command::Serve(config) => {
            let keys = JwtKeys::from_config(&cli.jwt, Some(config.bind))?;
            prepare_database(&cli.db).await?;
            let pool = db::pool_with(
                &cli.db.database_url,
                cli.db.db_pool_size,
                config.transport.pool_timeouts(),
            )?;
            let offset =
                kinerja::clock::offset_hours(config.rules.utc_offset_hours).ok_or_else(|| {
                    AppError::bad_input("KINERJA_UTC_OFFSET_HOURS must be within ±23")
                })?;
            let time =
                kinerja::clock::Time::new(std::sync::Arc::new(kinerja::clock::SystemClock), offset);
            if config.demo {
                let report = seed::demo(&db::Db::new(pool.clone()), time.now()).await?;
                tracing::info!("{report}");
            }
            spawn_sweeper(
                pool.clone(),
                time.clone(),
                config.rules.appeal_window_days,
                Retention {
                    outbox_days: config.outbox_retention_days,
                    persisted_query_days: config.persisted_query_retention_days,
                },
            );
            let (stop, stopping) = tokio::sync::watch::channel(false);
            let app = kinerja::app(
                pool,
                &cli.db.database_url,
                keys,
                config.settings(),
                time,
                stopping,
            )
            .await?;
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .map_err(|err| {
                    AppError::bad_input(format!("cannot listen on {}: {err}", config.bind))
                })?;
            tracing::info!("kinerja listening on http://{}/graphql", config.bind);
            tokio::spawn(async move {
                shutdown_signal().await;
                // The server drains: /readyz 503, no new connections, requests in flight
                // finish, sockets close with 1001, within the grace.
                let _ = stop.send(true);
            });
            app.serve(listener).await;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => prepare_database(&cli.db).await,
        Command::Seed { set, seed, size } => {
            prepare_database(&cli.db).await?;
            let pool = db::pool(&cli.db.database_url, 2)?;
            match set {
                SeedSet::Demo => {
                    let report = seed::demo(&db::Db::new(pool), chrono::Utc::now()).await?;
                    println!("{report}");
                    Ok(())
                }
                SeedSet::City => {
                    let plan = match size {
                        CitySize::Full => seed::city::CityPlan::full(),
                        CitySize::Small => seed::city::CityPlan::small(),
                    };
                    let report = seed::city::city(&db::Db::new(pool), &plan, seed).await?;
                    println!("{report}");
                    Ok(())
                }
            }
        }
        Command::Schema => {
            print!("{}", kinerja::graphql::sdl());
            Ok(())
        }
        Command::Token { nip, ttl } => {
            let nip = kinerja::asn::nip::Nip::parse(&nip)?;
            let keys = JwtKeys::from_config(&cli.jwt, None)?;
            println!("{}", keys.issue(nip.as_str(), ttl)?);
            Ok(())
        }
    }
}

async fn prepare_database(config: &DbConfig) -> AppResult<()> {
    if db::create_database_if_missing(&config.database_url).await? {
        tracing::info!("created the database");
    }
    let ran = db::run_migrations(&config.database_url).await?;
    if ran > 0 {
        tracing::info!(migrations = ran, "ran pending migrations");
    }
    Ok(())
}

/// How long the sweeper keeps what it prunes.
#[derive(Debug, Clone, Copy)]
struct Retention {
    outbox_days: i64,
    persisted_query_days: i64,
}

/// Once a minute: finalises evaluations whose appeal window closed, prunes the outbox and the
/// persisted queries.
fn spawn_sweeper(
    pool: db::PgPool,
    time: kinerja::clock::Time,
    window_days: i64,
    retention: Retention,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            let db = db::Db::new(pool.clone());
            match kinerja::evaluations::sweeper::finalize_due(&db, time.now(), window_days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(
                    evaluations = n,
                    "finalised evaluations after their appeal window"
                ),
                Err(err) => tracing::warn!(error = err.message(), "finalising evaluations failed"),
            }
            if let Err(err) =
                kinerja::live::replay::prune(&db, time.now(), retention.outbox_days).await
            {
                tracing::warn!(error = err.message(), "pruning the event outbox failed");
            }
            let persisted =
                kinerja::graphql::persisted::prune(&db, time.now(), retention.persisted_query_days);
            if let Err(err) = persisted.await {
                tracing::warn!(
                    error = err.message(),
                    "pruning the persisted queries failed"
                );
            }
        }
    });
}

/// Resolves at the first SIGTERM (systemd, Kubernetes) or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let signals = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    );
    let (Ok(mut terminate), Ok(mut interrupt)) = signals else {
        tracing::error!("cannot listen for SIGTERM and SIGINT; shutting down on Ctrl-C only");
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    let name = tokio::select! {
        _ = terminate.recv() => "SIGTERM",
        _ = interrupt.recv() => "SIGINT",
    };
    tracing::info!(signal = name, "shutting down");
}
