//! `seed city`: a deterministic, city-scale data set shaped like Pemerintah Kota Dumai.
//!
//! The directory (the perangkat daerah of the 2022 list plus BPBD, their bidang and bagian, ten
//! Puskesmas, schools, seven kecamatan with 36 kelurahan, about 5,000 PNS and PPPK with valid,
//! unique NIPs and supervisor chains head of OPD → head of sub-unit → staff) is built in memory
//! and written level by level. Everything else — RHK, a year of daily activities, evaluations,
//! appeals, feedback and supervision visits — is generated set-based in SQL from
//! `hashtextextended(key, seed)`, all in one transaction. Every id is explicit and every
//! timestamp derives from the plan, so the same seed and plan give identical rows; identity
//! sequences are moved past the ids afterwards.
//!
//! The seven personas of the demo data (and its UNIT_ADMIN of the Dinas Kesehatan) keep their
//! NIP, position, supervisor and role, so README tokens work on the city data too. The audit
//! log and the event outbox are left empty: they record changes made through the API.
//!
//! Like `seed demo`, seeding again with the same seed and plan changes nothing. A database
//! holding any other directory is refused: city data must not mix with other data.

mod calendar;
pub mod catalog;
mod directory;
mod people;
mod reviews;
mod tasks;
mod work;

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

pub use calendar::{holidays, is_working_day};

use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::seed::demo_data::personas;

/// How big a city to make.
#[derive(Debug, Clone)]
pub struct CityPlan {
    /// The year of targets, activities and quarterly evaluations (annual ones are of the year
    /// before).
    pub year: i32,
    /// The last day with data; nothing is dated later.
    pub as_of: NaiveDate,
    /// First day of daily activities.
    pub activities_from: NaiveDate,
    /// Staff per unit, in percent of the full city.
    pub staff_percent: u32,
    /// Number of SD Negeri.
    pub primary_schools: usize,
    /// Number of SMP Negeri.
    pub secondary_schools: usize,
    /// Chance, in eighths, that an office worker logs a late-morning block (shift workers: a
    /// second block) on a day they log.
    pub late_morning_eighths: i64,
    /// Chance, in eighths, of an afternoon block.
    pub afternoon_eighths: i64,
}

impl CityPlan {
    /// The whole city: about 5,000 ASN and a year of activities up to 27 November 2026.
    pub fn full() -> Self {
        Self {
            year: 2026,
            as_of: date(2026, 11, 27),
            activities_from: date(2026, 1, 2),
            staff_percent: 100,
            primary_schools: 70,
            secondary_schools: 20,
            late_morning_eighths: 1,
            afternoon_eighths: 3,
        }
    }

    /// A small city for tests: every unit, a tenth of the staff, a few schools, November's
    /// activities.
    pub fn small() -> Self {
        Self {
            staff_percent: 8,
            primary_schools: 4,
            secondary_schools: 1,
            activities_from: date(2026, 11, 1),
            ..Self::full()
        }
    }

    /// End of the last working day of the plan (17:00 WIB).
    pub fn as_of_moment(&self) -> DateTime<Utc> {
        self.as_of
            .and_hms_opt(10, 0, 0)
            .map_or_else(Utc::now, |t| t.and_utc())
    }
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// What a city seed made.
#[derive(Debug, Clone, Default)]
pub struct CityReport {
    /// The seed used.
    pub seed: u64,
    /// Rows per table, in the order written.
    pub counts: Vec<(&'static str, i64)>,
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Whether the same city was already there (nothing written).
    pub already_present: bool,
}

impl CityReport {
    /// Rows in `table`.
    pub fn count(&self, table: &str) -> i64 {
        self.counts
            .iter()
            .find(|(name, _)| *name == table)
            .map_or(0, |(_, n)| *n)
    }
}

impl fmt::Display for CityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_present {
            return write!(
                f,
                "city data (seed {}) already present; nothing to do",
                self.seed
            );
        }
        writeln!(f, "seeded the city (seed {}):", self.seed)?;
        for (table, n) in &self.counts {
            writeln!(f, "  {table:<28} {n:>9}")?;
        }
        write!(f, "in {:.1} s", self.elapsed.as_secs_f64())
    }
}

/// Tables the seed writes, in order, with whether they have an identity column to move.
const TABLES: &[(&str, bool)] = &[
    ("units", true),
    ("asn", true),
    ("role_grants", true),
    ("performance_targets", true),
    ("target_indicators", true),
    ("activities", true),
    ("evaluations", true),
    ("evaluation_behaviour_notes", false),
    ("appeals", true),
    ("feedback", true),
    ("supervision_visits", true),
    ("supervision_visit_members", false),
    ("observations", true),
];

/// Seeds the city for `plan` and `seed` into a database without a directory.
pub async fn city(db: &Db, plan: &CityPlan, seed: u64) -> AppResult<CityReport> {
    let started = Instant::now();
    let sql_seed = i64::try_from(seed)
        .map_err(|_| AppError::bad_input(format!("--seed must be at most {}", i64::MAX)))?;
    let directory = directory::build(plan, seed)?;
    let mut conn = db.conn().await?;
    let units: i64 = count(&mut conn, "units").await?;
    if units > 0 {
        let marker = directory
            .asn
            .last()
            .map(|a| a.person.nip.clone())
            .unwrap_or_default();
        let asn: i64 = count(&mut conn, "asn").await?;
        let same = diesel::sql_query("SELECT count(*) AS n FROM asn WHERE nip = $1")
            .bind::<Text, _>(marker)
            .get_result::<Count>(&mut conn)
            .await?
            .n;
        if same == 1 && asn == i64::try_from(directory.asn.len()).unwrap_or(0) {
            return Ok(CityReport {
                seed,
                already_present: true,
                elapsed: started.elapsed(),
                ..CityReport::default()
            });
        }
        return Err(AppError::conflict(format!(
            "the database already holds a directory ({units} units, {asn} ASN) that is not this \
             city; seed the city into an empty database, e.g. \
             DATABASE_URL=postgres://localhost/kinerja_city kinerja seed city"
        )));
    }
    let perawat = directory.asn_id(personas::PERAWAT).unwrap_or(0);
    let admin = directory.asn_id(personas::ADMIN).unwrap_or(0);
    let counts = conn
        .transaction::<_, AppError, _>(async |conn| {
            diesel::sql_query("SET LOCAL work_mem = '256MB'")
                .execute(conn)
                .await?;
            directory::insert(conn, &directory).await?;
            work::stage(conn, plan, &directory, sql_seed).await?;
            work::stage_tasks(conn).await?;
            work::targets(conn, plan, sql_seed).await?;
            work::activities(conn, plan, sql_seed).await?;
            reviews::evaluations(conn, plan, sql_seed, perawat, admin).await?;
            reviews::feedback(conn, plan, sql_seed).await?;
            reviews::visits(conn, sql_seed).await?;
            let mut counts = Vec::new();
            for (table, identity) in TABLES {
                if *identity {
                    diesel::sql_query(format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                       COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                    ))
                    .execute(conn)
                    .await?;
                }
                counts.push((*table, count(conn, table).await?));
            }
            Ok(counts)
        })
        .await?;
    // Fresh statistics for the planner, and a visibility map so that index-only scans (minute
    // sums, counts) need not visit the heap; VACUUM cannot run inside the transaction.
    for (table, _) in TABLES {
        diesel::sql_query(format!("VACUUM (ANALYZE) {table}"))
            .execute(&mut conn)
            .await?;
    }
    Ok(CityReport {
        seed,
        counts,
        elapsed: started.elapsed(),
        already_present: false,
    })
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(conn: &mut AsyncPgConnection, table: &str) -> AppResult<i64> {
    Ok(
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<Count>(conn)
            .await?
            .n,
    )
}
