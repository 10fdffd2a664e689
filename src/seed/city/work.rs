//! Planning and daily work, generated set-based in SQL: RHK with their indicators (cascading on
//! the supervisor's RHK) and a year of daily activities.
//!
//! Randomness comes from `hashtextextended(key, seed)`: one 64-bit hash per row, sliced into
//! bit fields, so the same seed always gives the same rows. Every statement binds the seed as
//! `$1`.

use diesel::sql_types::{Array, BigInt, Bool, Date, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::CityPlan;
use super::directory::Directory;
use crate::error::AppResult;

/// Target ids leave four slots per ASN: two UTAMA always, a third UTAMA and a TAMBAHAN
/// sometimes. Slot k of ASN a has id `(a - 1) * 4 + k + 1`.
pub const TARGET_SLOTS: i64 = 4;

/// Stages what the SQL needs from the directory and the calendar as temporary tables.
pub async fn stage(
    conn: &mut AsyncPgConnection,
    plan: &CityPlan,
    directory: &Directory,
    seed: i64,
) -> AppResult<()> {
    diesel::sql_query(
        "CREATE TEMP TABLE seed_units ON COMMIT DROP AS
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bool[]) AS t(unit_id, profile, shifts)",
    )
    .bind::<Array<BigInt>, _>(directory.units.iter().map(|u| u.id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(
        directory
            .units
            .iter()
            .map(|u| format!("{:?}", u.profile).to_uppercase())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Bool>, _>(directory.units.iter().map(|u| u.shifts).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    // Per ASN: profile, shift work, and how diligently they log (55–95 % of their days).
    diesel::sql_query(
        "CREATE TEMP TABLE seed_asn ON COMMIT DROP AS
         SELECT a.id AS asn_id, a.supervisor_id, a.unit_id, a.position_kind, u.profile,
                u.shifts AND a.position_kind IN ('FUNGSIONAL', 'PELAKSANA') AS shifts,
                55 + (hashtextextended('diligence:' || a.id, $1) & 1023) % 41 AS log_percent
         FROM asn a JOIN seed_units u ON u.unit_id = a.unit_id",
    )
    .bind::<BigInt, _>(seed)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "CREATE TEMP TABLE seed_days ON COMMIT DROP AS
         SELECT d::date AS day, extract(isodow FROM d) < 6 AND d::date <> ALL($3) AS working,
                (d::date - $1) AS n, (d::date - date '2000-01-01') AS k
         FROM generate_series($1::date, $2::date, interval '1 day') AS d",
    )
    .bind::<Date, _>(plan.activities_from)
    .bind::<Date, _>(plan.as_of)
    .bind::<Array<Date>, _>(super::calendar::holidays())
    .execute(conn)
    .await?;
    for table in ["seed_units", "seed_asn", "seed_days"] {
        diesel::sql_query(format!("ANALYZE {table}"))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// RHK for the year: slots 0 and 1 UTAMA, slot 2 UTAMA for half, slot 3 TAMBAHAN for a third.
/// UTAMA RHK intervene on the supervisor's slot 0 or 1; the supervisor agreed them in January
/// (a few are still DRAFT; heads without a supervisor in the city keep theirs DRAFT, their
/// SKP being agreed by the Wali Kota outside this system). Three indicators each.
pub async fn targets(conn: &mut AsyncPgConnection, plan: &CityPlan, seed: i64) -> AppResult<()> {
    diesel::sql_query(format!(
        "INSERT INTO performance_targets (id, asn_id, year, title, kind, parent_target_id, status,
                                          agreed_by, agreed_at, created_at, updated_at)
         OVERRIDING SYSTEM VALUE
         SELECT (a.asn_id - 1) * {TARGET_SLOTS} + k + 1, a.asn_id, $2,
                CASE WHEN k = 3 THEN 'Terlaksananya tugas tambahan dari pimpinan'
                     WHEN a.position_kind IN ('JPT', 'ADMINISTRATOR', 'PENGAWAS')
                          THEN (ARRAY['Meningkatnya capaian kinerja ', 'Tersusunnya perencanaan dan laporan kinerja ',
                                      'Terwujudnya pelayanan prima pada '])[k + 1] || u.name
                     ELSE (ARRAY['Terlaksananya tugas pokok jabatan sesuai standar pelayanan',
                                 'Tersusunnya laporan hasil pelaksanaan tugas',
                                 'Meningkatnya kualitas layanan kepada masyarakat'])[k + 1]
                END,
                CASE WHEN k = 3 THEN 'TAMBAHAN' ELSE 'UTAMA' END,
                CASE WHEN k < 3 AND a.supervisor_id IS NOT NULL
                     THEN (a.supervisor_id - 1) * {TARGET_SLOTS} + k % 2 + 1 END,
                CASE WHEN agreed THEN 'AGREED' ELSE 'DRAFT' END,
                CASE WHEN agreed THEN a.supervisor_id END,
                CASE WHEN agreed THEN created + make_interval(days => 2 + (h >> 8 & 7)::int) END,
                created,
                CASE WHEN agreed THEN created + make_interval(days => 2 + (h >> 8 & 7)::int) ELSE created END
         FROM seed_asn a
         JOIN units u ON u.id = a.unit_id
         CROSS JOIN generate_series(0, 3) AS k
         CROSS JOIN LATERAL (SELECT hashtextextended('target:' || a.asn_id, $1) AS h) AS r
         CROSS JOIN LATERAL (SELECT a.supervisor_id IS NOT NULL AND (h & 255) >= 8 AS agreed,
                                    make_date($2, 1, 5) + time '09:00' + make_interval(days => (h >> 12 & 7)::int)
                                        - interval '7 hours' AS created0) AS s
         CROSS JOIN LATERAL (SELECT created0 AT TIME ZONE 'UTC' AS created) AS c
         WHERE k < 2 OR (k = 2 AND (h >> 16 & 1) = 0) OR (k = 3 AND (h >> 17 & 3) = 0)
         ORDER BY 1"
    ))
    .bind::<BigInt, _>(seed)
    .bind::<diesel::sql_types::Integer, _>(plan.year)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO target_indicators (id, target_id, aspect, description, target_value, unit_of_measure)
         OVERRIDING SYSTEM VALUE
         SELECT row_number() OVER (ORDER BY t.id, i), t.id,
                (ARRAY['KUANTITAS', 'KUALITAS', 'WAKTU'])[i],
                (ARRAY['Jumlah keluaran yang diselesaikan', 'Persentase keluaran sesuai standar',
                       'Waktu penyelesaian'])[i],
                CASE i WHEN 1 THEN 4 + (hashtextextended('indicator:' || t.id, $1) & 31)
                       WHEN 2 THEN 100 ELSE 12 END,
                CASE i WHEN 1 THEN (ARRAY['Dokumen', 'Laporan', 'Kegiatan', 'Layanan'])[1 + (t.id % 4)::int]
                       WHEN 2 THEN '%' ELSE 'Bulan' END
         FROM performance_targets t CROSS JOIN generate_series(1, 3) AS i
         ORDER BY 1",
    )
    .bind::<BigInt, _>(seed)
    .execute(conn)
    .await?;
    Ok(())
}

/// Daily activities from `activities_from` to `as_of`. Activity ids are
/// `(asn - 1) * 1200 + day * 3 + block + 1` (day counted from `activities_from`), so they follow
/// ASN, day and block without a sort.
///
/// Office staff log on working days only (Monday–Friday outside public holidays and cuti
/// bersama), 07:30–16:00 in up to three blocks: morning, late morning, afternoon. Shift staff
/// (Satpol PP, BPBD and RSUD field and medical staff) work five days in seven, weekends and
/// holidays included, on an early (07:00–14:00) or late (14:00–21:00) shift that alternates
/// weekly. Each ASN logs on 55–95 % of their days. Teachers report their daily work through the
/// ministry's teacher platform and log none here. Entries older than two days have mostly been
/// reviewed by the supervisor one or two days later: most APPROVED, a few returned for revision
/// or rejected, a few never looked at; entries of ASN without a supervisor stay SUBMITTED.
pub async fn activities(conn: &mut AsyncPgConnection, plan: &CityPlan, seed: i64) -> AppResult<()> {
    // Plain secondary indexes are rebuilt once after the load, which is several times faster
    // than maintaining them row by row; their definitions are read from the catalog, so they
    // stay whatever the migrations made them. Constraint indexes stay in place.
    let indexes: Vec<IndexDef> = diesel::sql_query(
        "SELECT indexname AS name, indexdef AS definition FROM pg_indexes
         WHERE schemaname = current_schema() AND tablename = 'activities'
           AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'activities'::regclass)
         ORDER BY indexname",
    )
    .load(conn)
    .await?;
    for index in &indexes {
        diesel::sql_query(format!("DROP INDEX \"{}\"", index.name.replace('"', "")))
            .execute(conn)
            .await?;
    }
    diesel::sql_query(
        "INSERT INTO activities (id, asn_id, activity_date, start_time, end_time, description,
                                 output_quantity, output_unit, evidence_url, target_id, status,
                                 reviewed_by, reviewed_at, review_note, created_at, updated_at)
         OVERRIDING SYSTEM VALUE
         SELECT (x.asn_id - 1) * 1200 + x.n * 3 + x.slot + 1,
                x.asn_id, x.day, x.start_time, x.end_time, t.description,
                1 + (x.h >> 40 & 3), t.output_unit,
                CASE WHEN (x.h >> 42 & 3) = 0
                     THEN 'https://dokumen.dumaikota.go.id/ekinerja/' || x.asn_id || '/' || to_char(x.day, 'YYYYMMDD') || '-' || x.slot END,
                CASE WHEN (x.h >> 44 & 3) <> 0
                     THEN (x.asn_id - 1) * 4 + (x.h >> 46 & 1) + 1 END,
                x.status,
                CASE WHEN x.status <> 'SUBMITTED' THEN x.supervisor_id END,
                CASE WHEN x.status <> 'SUBMITTED' THEN x.reviewed_at END,
                CASE x.status WHEN 'REJECTED' THEN 'Aktivitas tidak sesuai dengan RHK dan tugas jabatan'
                              WHEN 'REVISION_REQUESTED' THEN 'Lengkapi uraian keluaran dan bukti dukung' END,
                x.created_at,
                CASE WHEN x.status <> 'SUBMITTED' THEN x.reviewed_at ELSE x.created_at END
         FROM (
             SELECT a.asn_id, a.supervisor_id, a.profile, d.day, d.n, s.slot, v.h, v.start_time, v.end_time,
                    ((d.day + v.end_time) - interval '7 hours') AT TIME ZONE 'UTC' AS created_at,
                    ((d.day + 1 + (v.h >> 48 & 1)::int + time '09:00' + make_interval(mins => (v.h >> 50 & 255)::int))
                        - interval '7 hours') AT TIME ZONE 'UTC' AS reviewed_at,
                    CASE WHEN a.supervisor_id IS NULL OR d.day + 1 + (v.h >> 48 & 1)::int >= $2 THEN 'SUBMITTED'
                         WHEN (v.h >> 52 & 1023) < 15 THEN 'REJECTED'
                         WHEN (v.h >> 52 & 1023) < 45 THEN 'REVISION_REQUESTED'
                         WHEN (v.h >> 52 & 1023) < 60 THEN 'SUBMITTED'
                         ELSE 'APPROVED' END AS status
             FROM seed_asn a
             JOIN seed_days d
               ON CASE WHEN a.shifts THEN (d.n + a.asn_id) % 7 < 5 ELSE d.working END
             CROSS JOIN LATERAL (SELECT hashtextextended(a.asn_id || ':' || d.k, $1) AS h) AS r
             CROSS JOIN generate_series(0, 2) AS s(slot)
             CROSS JOIN LATERAL (
                 SELECT r.h,
                        CASE WHEN a.shifts THEN
                                 CASE s.slot WHEN 0 THEN time '07:00' WHEN 1 THEN time '10:30' ELSE NULL END
                                 + CASE WHEN (d.n / 7 + a.asn_id) % 2 = 0 THEN interval '0' ELSE interval '7 hours' END
                             ELSE CASE s.slot WHEN 0 THEN time '07:30' + make_interval(mins => (r.h >> 10 & 3)::int * 5)
                                              WHEN 1 THEN time '10:15' + make_interval(mins => (r.h >> 12 & 3)::int * 5)
                                              ELSE time '13:00' + make_interval(mins => (r.h >> 14 & 3)::int * 5) END
                        END AS start_time,
                        CASE WHEN a.shifts THEN
                                 CASE s.slot WHEN 0 THEN time '10:15' WHEN 1 THEN time '14:00' ELSE NULL END
                                 - make_interval(mins => (r.h >> 16 & 3)::int * 10)
                                 + CASE WHEN (d.n / 7 + a.asn_id) % 2 = 0 THEN interval '0' ELSE interval '7 hours' END
                             ELSE CASE s.slot WHEN 0 THEN time '09:45' + make_interval(mins => (r.h >> 16 & 3)::int * 5)
                                              WHEN 1 THEN time '12:00'
                                              ELSE time '15:00' + make_interval(mins => (r.h >> 18 & 7)::int * 8) END
                        END AS end_time
             ) AS v
             WHERE a.profile <> 'SCHOOL' AND (r.h & 127) < a.log_percent * 128 / 100
               AND CASE s.slot WHEN 0 THEN true
                               WHEN 1 THEN (r.h >> 20 & 7) < $3
                               ELSE NOT a.shifts AND (r.h >> 23 & 7) < $4 END
         ) AS x
         JOIN seed_tasks t ON t.profile = x.profile AND t.n = (x.h >> 26 & 7)",
    )
    .bind::<BigInt, _>(seed)
    .bind::<Date, _>(plan.as_of)
    .bind::<BigInt, _>(plan.late_morning_eighths)
    .bind::<BigInt, _>(plan.afternoon_eighths)
    .execute(conn)
    .await?;
    for index in &indexes {
        diesel::sql_query(index.definition.clone())
            .execute(conn)
            .await?;
    }
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct IndexDef {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

/// Stages the activity descriptions per profile (eight each, with their output units).
pub async fn stage_tasks(conn: &mut AsyncPgConnection) -> AppResult<()> {
    let mut profiles = Vec::new();
    let mut numbers = Vec::new();
    let mut descriptions = Vec::new();
    let mut units = Vec::new();
    for (profile, tasks) in super::tasks::TASKS {
        for (n, (description, unit)) in tasks.iter().enumerate() {
            profiles.push((*profile).to_owned());
            numbers.push(i64::try_from(n).unwrap_or(0));
            descriptions.push((*description).to_owned());
            units.push((*unit).to_owned());
        }
    }
    diesel::sql_query(
        "CREATE TEMP TABLE seed_tasks ON COMMIT DROP AS
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
              AS t(profile, n, description, output_unit)",
    )
    .bind::<Array<Text>, _>(profiles)
    .bind::<Array<BigInt>, _>(numbers)
    .bind::<Array<Text>, _>(descriptions)
    .bind::<Array<Text>, _>(units)
    .execute(conn)
    .await?;
    Ok(())
}
