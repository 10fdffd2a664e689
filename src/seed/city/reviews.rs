//! Review records, generated set-based in SQL: evaluations (annual 2025, quarters 1–3 of 2026)
//! by the supervisor with the predikat of the matrix, appeals on a few percent of them,
//! feedback (continuous and the dialog on evaluations) and supervision visits to the Puskesmas.
//!
//! Every statement binds the seed as `$1`; randomness is sliced from one hash per row.

use diesel::sql_types::{BigInt, Date, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::CityPlan;
use crate::error::AppResult;

/// The predikat of PermenPANRB 6/2022 for ratings `w` (hasil kerja) and `b` (perilaku), in SQL.
fn predikat_sql(w: &str, b: &str) -> String {
    format!(
        "CASE WHEN {w} IS NULL OR {b} IS NULL THEN NULL
              WHEN {b} = 'DI_BAWAH_EKSPEKTASI' THEN
                   CASE WHEN {w} = 'DI_BAWAH_EKSPEKTASI' THEN 'SANGAT_KURANG' ELSE 'KURANG' END
              WHEN {w} = 'DI_BAWAH_EKSPEKTASI' THEN 'BUTUH_PERBAIKAN'
              WHEN {w} = 'DI_ATAS_EKSPEKTASI' AND {b} = 'DI_ATAS_EKSPEKTASI' THEN 'SANGAT_BAIK'
              ELSE 'BAIK' END"
    )
}

/// A rating one level better (DI_ATAS stays).
fn better(r: &str) -> String {
    format!(
        "CASE {r} WHEN 'DI_BAWAH_EKSPEKTASI' THEN 'SESUAI_EKSPEKTASI' ELSE 'DI_ATAS_EKSPEKTASI' END"
    )
}

/// The evaluations and appeals, staged in `seed_eval` and then written.
///
/// Periods are published by the evaluator early in the next quarter (the third quarter between
/// 1 October and two days before `as_of`). An evaluation not appealed within 14 days is FINAL;
/// about 3 % are appealed 1–11 days after publication and decided 3–18 days later by the
/// evaluator's supervisor (or the ADMIN when the evaluator has none): REJECTED or, for about
/// 4 in 10, REVISED one level up. Appeals not yet decided on `as_of` are open (APPEALED). About
/// 3 % of the third quarter are still DRAFT. The perawat persona's third quarter is PUBLISHED.
pub async fn evaluations(
    conn: &mut AsyncPgConnection,
    plan: &CityPlan,
    seed: i64,
    perawat: i64,
    admin: i64,
) -> AppResult<()> {
    let as_of = plan.as_of_moment();
    diesel::sql_query(format!(
        "CREATE TEMP TABLE seed_eval ON COMMIT DROP AS
         WITH periods (p, year, kind, number, opens, spread) AS (VALUES
             (0, $4 - 1, 'ANNUAL', 1, make_date($4, 1, 5), 20),
             (1, $4, 'QUARTERLY', 1, make_date($4, 4, 1), 24),
             (2, $4, 'QUARTERLY', 2, make_date($4, 7, 1), 24),
             (3, $4, 'QUARTERLY', 3, make_date($4, 10, 1), $2::date - make_date($4, 10, 1) - 1)),
         rated AS (
             SELECT (a.asn_id - 1) * 4 + p.p + 1 AS id, a.asn_id, a.supervisor_id AS evaluator_id,
                    p.p, p.year, p.kind, p.number, r.h,
                    CASE WHEN (r.h & 1023) < 140 + q.q / 4 THEN 'DI_ATAS_EKSPEKTASI'
                         WHEN (r.h & 1023) >= 960 THEN 'DI_BAWAH_EKSPEKTASI'
                         ELSE 'SESUAI_EKSPEKTASI' END AS work0,
                    CASE WHEN (r.h >> 10 & 1023) < 160 + q.q / 4 THEN 'DI_ATAS_EKSPEKTASI'
                         WHEN (r.h >> 10 & 1023) >= 1000 THEN 'DI_BAWAH_EKSPEKTASI'
                         ELSE 'SESUAI_EKSPEKTASI' END AS beh0,
                    p.p = 3 AND (r.h >> 20 & 31) = 0 AND a.asn_id <> $3 AS draft,
                    CASE WHEN p.p = 3 AND a.asn_id = $3 THEN ($2::date - 3 + time '10:00' - interval '7 hours') AT TIME ZONE 'UTC'
                         ELSE (p.opens + ((r.h >> 26 & 1023) % p.spread)::int + time '08:00'
                               + make_interval(mins => (r.h >> 32 & 511)::int) - interval '7 hours') AT TIME ZONE 'UTC'
                    END AS published_at
             FROM seed_asn a
             CROSS JOIN periods p
             CROSS JOIN LATERAL (SELECT (hashtextextended('quality:' || a.asn_id, $1) & 1023) AS q) AS q
             CROSS JOIN LATERAL (SELECT hashtextextended('evaluation:' || a.asn_id || ':' || p.p, $1) AS h) AS r
             WHERE a.supervisor_id IS NOT NULL
         ),
         appealed AS (
             SELECT *, NOT draft AND asn_id <> $3 AND (h >> 36 & 1023) < 30
                       AND NOT (work0 = 'DI_ATAS_EKSPEKTASI' AND beh0 = 'DI_ATAS_EKSPEKTASI') AS appealed,
                    published_at + make_interval(days => 1 + (h >> 46 & 7)::int + (h >> 49 & 3)::int,
                                                 hours => (h >> 40 & 3)::int) AS filed_at
             FROM rated
         ),
         decided AS (
             SELECT *, CASE WHEN appealed AND filed_at + make_interval(days => 3 + (h >> 51 & 15)::int) < $5
                            THEN filed_at + make_interval(days => 3 + (h >> 51 & 15)::int) END AS decided_at
             FROM appealed
         )
         SELECT *, decided_at IS NOT NULL AND (h >> 55 & 7) < 3 AS revised,
                CASE WHEN decided_at IS NOT NULL AND (h >> 55 & 7) < 3 AND work0 <> 'DI_ATAS_EKSPEKTASI'
                     THEN {work_up} ELSE work0 END AS work1,
                CASE WHEN decided_at IS NOT NULL AND (h >> 55 & 7) < 3 AND work0 = 'DI_ATAS_EKSPEKTASI'
                     THEN {beh_up} ELSE beh0 END AS beh1
         FROM decided",
        work_up = better("work0"),
        beh_up = better("beh0"),
    ))
    .bind::<BigInt, _>(seed)
    .bind::<Date, _>(plan.as_of)
    .bind::<BigInt, _>(perawat)
    .bind::<diesel::sql_types::Integer, _>(plan.year)
    .bind::<Timestamptz, _>(as_of)
    .execute(conn)
    .await?;
    // Drafts: half have no ratings yet.
    diesel::sql_query(format!(
        "INSERT INTO evaluations (id, asn_id, evaluator_id, period_year, period_kind, period_number,
                                 work_result_rating, behaviour_rating, predikat, summary, status,
                                 published_at, finalized_at, created_at, updated_at)
         OVERRIDING SYSTEM VALUE
         SELECT id, asn_id, evaluator_id, year, kind, number, w, b, {predikat},
                CASE {predikat}
                    WHEN 'SANGAT_BAIK' THEN 'Hasil kerja dan perilaku kerja melampaui ekspektasi; pertahankan.'
                    WHEN 'BAIK' THEN 'Hasil kerja dan perilaku kerja sesuai ekspektasi.'
                    WHEN 'BUTUH_PERBAIKAN' THEN 'Sebagian target RHK belum tercapai; perlu rencana perbaikan.'
                    WHEN 'KURANG' THEN 'Perilaku kerja perlu pembinaan; target hasil kerja tercapai.'
                    WHEN 'SANGAT_KURANG' THEN 'Hasil kerja dan perilaku kerja di bawah ekspektasi; perlu pembinaan.'
                END,
                status, CASE WHEN NOT draft THEN published_at END, finalized_at,
                published_at - interval '2 days',
                COALESCE(finalized_at, CASE WHEN NOT draft THEN published_at END, published_at - interval '2 days')
         FROM (
             SELECT *,
                    CASE WHEN draft AND (h >> 25 & 1) = 0 THEN NULL ELSE work1 END AS w,
                    CASE WHEN draft AND (h >> 25 & 1) = 0 THEN NULL ELSE beh1 END AS b,
                    CASE WHEN draft THEN 'DRAFT'
                         WHEN appealed AND decided_at IS NULL THEN 'APPEALED'
                         WHEN appealed THEN 'FINAL'
                         WHEN published_at + interval '14 days' < $1::timestamptz THEN 'FINAL'
                         ELSE 'PUBLISHED' END AS status,
                    CASE WHEN draft THEN NULL
                         WHEN appealed THEN decided_at
                         WHEN published_at + interval '14 days' < $1::timestamptz
                              THEN published_at + interval '14 days 1 minute' END AS finalized_at
             FROM seed_eval
         ) AS e
         ORDER BY id",
        predikat = predikat_sql("w", "b"),
    ))
    .bind::<Timestamptz, _>(as_of)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO evaluation_behaviour_notes (evaluation_id, core_value, note)
         SELECT e.id, (ARRAY['BERORIENTASI_PELAYANAN', 'AKUNTABEL', 'KOMPETEN', 'HARMONIS', 'LOYAL',
                             'ADAPTIF', 'KOLABORATIF'])[1 + ((e.h >> 60 & 7) % 7 + i * (1 + (e.h >> 57 & 3))) % 7],
                CASE e.beh1 WHEN 'DI_ATAS_EKSPEKTASI' THEN 'Menjadi teladan rekan kerja dan proaktif mencari solusi.'
                            ELSE 'Perlu meningkatkan kedisiplinan dan ketepatan waktu penyelesaian tugas.' END
         FROM seed_eval e CROSS JOIN generate_series(0, 1) AS i
         WHERE NOT e.draft AND e.beh1 <> 'SESUAI_EKSPEKTASI'
         ORDER BY 1, 2",
    )
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO appeals (id, evaluation_id, appellant_id, reason, status, filed_at, decided_by,
                             decided_at, decision_note, original_work_result_rating,
                             original_behaviour_rating, new_work_result_rating, new_behaviour_rating)
         OVERRIDING SYSTEM VALUE
         SELECT row_number() OVER (ORDER BY e.id), e.id, e.asn_id,
                CASE WHEN e.work0 = 'DI_BAWAH_EKSPEKTASI'
                     THEN 'Target RHK tidak tercapai karena kendala di luar kewenangan saya; bukti dukung terlampir.'
                     ELSE 'Penilaian belum mempertimbangkan capaian dan bukti dukung yang sudah saya unggah.' END,
                CASE WHEN e.decided_at IS NULL THEN 'OPEN' WHEN e.revised THEN 'REVISED' ELSE 'REJECTED' END,
                e.filed_at,
                CASE WHEN e.decided_at IS NOT NULL THEN COALESCE(ev.supervisor_id, $1) END,
                e.decided_at,
                CASE WHEN e.decided_at IS NULL THEN NULL
                     WHEN e.revised THEN 'Keberatan diterima setelah klarifikasi kedua pihak; rating diubah.'
                     ELSE 'Keberatan ditolak; rating sesuai dengan bukti dukung dan hasil klarifikasi.' END,
                e.work0, e.beh0,
                CASE WHEN e.revised THEN e.work1 END, CASE WHEN e.revised THEN e.beh1 END
         FROM seed_eval e JOIN asn ev ON ev.id = e.evaluator_id
         WHERE e.appealed
         ORDER BY 1",
    )
    .bind::<BigInt, _>(admin)
    .execute(conn)
    .await?;
    Ok(())
}

/// Feedback: continuous feedback from supervisors (0–3 a year per ASN), appreciation between
/// colleagues of one unit, and dialogs on about 6 % of published evaluations (the ASN asks, the
/// evaluator mostly answers a day later).
pub async fn feedback(conn: &mut AsyncPgConnection, plan: &CityPlan, seed: i64) -> AppResult<()> {
    let as_of = plan.as_of_moment();
    diesel::sql_query(
        "CREATE TEMP TABLE seed_feedback ON COMMIT DROP AS
         SELECT row_number() OVER (ORDER BY created_at, author_id, recipient_id, kind) AS id, f.*
         FROM (
             SELECT a.supervisor_id AS author_id, a.asn_id AS recipient_id, NULL::bigint AS evaluation_id,
                    (ARRAY['APPRECIATION', 'APPRECIATION', 'CONSTRUCTIVE', 'COACHING'])[1 + (r.h >> 4 & 3)::int] AS kind,
                    (ARRAY['Terima kasih, laporan kegiatan minggu ini rapi dan tepat waktu.',
                           'Pelayanan kepada masyarakat hari ini sangat baik, pertahankan.',
                           'Bukti dukung aktivitas harian masih sering kosong; mohon dilengkapi.',
                           'Coba susun rencana aksi per bulan agar target RHK lebih terukur.'])[1 + (r.h >> 4 & 3)::int] AS body,
                    ((date '2026-01-12' + ((r.h >> 8 & 65535) % ($2::date - date '2026-01-12'))::int + time '08:00'
                      + make_interval(mins => (r.h >> 24 & 255)::int)) - interval '7 hours') AT TIME ZONE 'UTC' AS created_at,
                    NULL::bigint AS thread
             FROM seed_asn a
             CROSS JOIN generate_series(0, 2) AS i
             CROSS JOIN LATERAL (SELECT hashtextextended('feedback:' || a.asn_id || ':' || i, $1) AS h) AS r
             WHERE a.supervisor_id IS NOT NULL AND i < (hashtextextended('feedback:' || a.asn_id, $1) & 3)
             UNION ALL
             SELECT b.asn_id, a.asn_id, NULL, 'APPRECIATION',
                    'Terima kasih sudah membantu menyelesaikan pekerjaan tim.',
                    ((date '2026-02-02' + ((r.h >> 8 & 65535) % ($2::date - date '2026-02-02'))::int + time '10:00')
                      - interval '7 hours') AT TIME ZONE 'UTC',
                    NULL
             FROM seed_asn a
             JOIN seed_asn b ON b.unit_id = a.unit_id AND b.asn_id = a.asn_id + 1
             CROSS JOIN LATERAL (SELECT hashtextextended('peer:' || a.asn_id, $1) AS h) AS r
             WHERE (r.h & 7) = 0
             UNION ALL
             SELECT e.asn_id, e.evaluator_id, e.id, 'QUESTION',
                    'Apa yang perlu saya tingkatkan agar hasil kerja periode berikutnya lebih baik?',
                    e.published_at + interval '1 day', e.id
             FROM seed_eval e
             WHERE NOT e.draft AND (hashtextextended('dialog:' || e.id, $1) & 15) = 0
               AND e.published_at + interval '1 day' < $3
             UNION ALL
             SELECT e.evaluator_id, e.asn_id, e.id, 'ANSWER',
                    'Perbanyak bukti dukung per RHK dan selesaikan laporan bulanan tepat waktu.',
                    e.published_at + interval '2 days', e.id
             FROM seed_eval e
             WHERE NOT e.draft AND (hashtextextended('dialog:' || e.id, $1) & 15) = 0
               AND (hashtextextended('dialog:' || e.id, $1) >> 4 & 7) <> 0
               AND e.published_at + interval '2 days' < $3
         ) AS f",
    )
    .bind::<BigInt, _>(seed)
    .bind::<Date, _>(plan.as_of)
    .bind::<Timestamptz, _>(as_of)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO feedback (id, author_id, recipient_id, evaluation_id, parent_id, kind, body, created_at)
         OVERRIDING SYSTEM VALUE
         SELECT f.id, f.author_id, f.recipient_id, f.evaluation_id, q.id, f.kind, f.body, f.created_at
         FROM seed_feedback f
         LEFT JOIN seed_feedback q ON f.kind = 'ANSWER' AND q.kind = 'QUESTION' AND q.thread = f.thread
         ORDER BY f.id",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One supervision visit to every Puskesmas between May and September by two inspectors,
/// observing up to four of its staff.
pub async fn visits(conn: &mut AsyncPgConnection, seed: i64) -> AppResult<()> {
    diesel::sql_query(
        "CREATE TEMP TABLE seed_visits ON COMMIT DROP AS
         WITH inspectors AS (
             SELECT asn_id, row_number() OVER (ORDER BY asn_id) - 1 AS n, count(*) OVER () AS total
             FROM role_grants WHERE role = 'INSPECTOR'
         ),
         visited AS (
             SELECT row_number() OVER (ORDER BY u.id) AS id, u.id AS unit_id,
                    date '2026-05-04' + ((hashtextextended('visit:' || u.id, $1) & 1023) % 120)::int AS day
             FROM units u WHERE u.kind = 'PUSKESMAS'
         )
         SELECT v.id, v.unit_id,
                v.day + CASE extract(isodow FROM v.day) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END AS visited_on,
                lead.asn_id AS recorded_by, second.asn_id AS member
         FROM visited v
         JOIN inspectors lead ON lead.n = (v.id - 1) % lead.total
         JOIN inspectors second ON second.n = v.id % second.total",
    )
    .bind::<BigInt, _>(seed)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO supervision_visits (id, unit_id, visited_on, summary, recorded_by, created_at)
         OVERRIDING SYSTEM VALUE
         SELECT id, unit_id, visited_on,
                'Pengamatan langsung pelayanan rawat jalan, ruang tindakan dan administrasi pasien.',
                recorded_by, ((visited_on + 1 + time '10:00') - interval '7 hours') AT TIME ZONE 'UTC'
         FROM seed_visits ORDER BY id",
    )
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO supervision_visit_members (visit_id, asn_id)
         SELECT id, recorded_by FROM seed_visits
         UNION SELECT id, member FROM seed_visits
         ORDER BY 1, 2",
    )
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO observations (id, visit_id, asn_id, finding, rating, evidence_url, created_at)
         OVERRIDING SYSTEM VALUE
         SELECT row_number() OVER (ORDER BY o.visit_id, o.asn_id), o.visit_id, o.asn_id,
                (ARRAY['Pelayanan ramah dan sesuai SOP; antrean tertib.',
                       'Pencatatan rekam medis lengkap, beberapa tanda tangan tertunda.',
                       'Edukasi pasien jelas; kepatuhan cuci tangan perlu ditingkatkan.'])[1 + (o.h & 3)::int % 3],
                (ARRAY['DI_ATAS_EKSPEKTASI', 'SESUAI_EKSPEKTASI', 'SESUAI_EKSPEKTASI', 'DI_BAWAH_EKSPEKTASI'])[1 + (o.h >> 2 & 3)::int],
                NULL, o.created_at
         FROM (
             SELECT v.id AS visit_id, a.id AS asn_id, hashtextextended('observed:' || a.id, $1) AS h,
                    ((v.visited_on + 1 + time '10:00') - interval '7 hours') AT TIME ZONE 'UTC' AS created_at,
                    row_number() OVER (PARTITION BY v.id ORDER BY hashtextextended('observed:' || a.id, $1)) AS rank
             FROM seed_visits v JOIN asn a ON a.unit_id = v.unit_id JOIN units u ON u.id = v.unit_id
             WHERE a.id <> u.head_id
         ) AS o
         WHERE o.rank <= 4
         ORDER BY 1",
    )
    .bind::<BigInt, _>(seed)
    .execute(conn)
    .await?;
    Ok(())
}
