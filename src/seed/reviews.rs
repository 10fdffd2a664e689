//! The review part of the demo data, written through the GraphQL API itself as the personas
//! would, with the clock set to each moment: so every seeded record passed the same rules,
//! carries its audit entries and events, and lands in the status its dates imply.
//!
//! Dates are relative to an anchor (the seeding day): the data is the same for the same day.

use async_graphql::{Request, Variables};
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::{Value, json};

use crate::auth::load_viewer;
use crate::clock::{ManualClock, Time, wib};
use crate::config::Settings;
use crate::db::{Db, PgPool};
use crate::error::{AppError, AppResult};
use crate::graphql::{KinerjaSchema, build_schema, prepare};
use crate::seed::demo_data::personas;

/// Runs API calls as personas at chosen moments.
pub struct Actor {
    schema: KinerjaSchema,
    pool: PgPool,
    clock: ManualClock,
}

impl Actor {
    /// An actor over `pool` whose clock starts at `anchor`.
    pub fn new(pool: PgPool, anchor: DateTime<Utc>) -> Self {
        let clock = ManualClock::new(anchor);
        let time = Time::new(std::sync::Arc::new(clock.clone()), wib());
        Self {
            schema: build_schema(Settings::default(), time, crate::events::hub::Hub::new()),
            pool,
            clock,
        }
    }

    /// Runs `query` as the ASN with `nip` at `at`; any GraphQL error fails the seed.
    pub async fn run(
        &self,
        nip: &str,
        at: DateTime<Utc>,
        query: &str,
        variables: Value,
    ) -> AppResult<Value> {
        self.clock.set(at);
        let db = Db::new(self.pool.clone());
        let viewer = load_viewer(&mut db.conn().await?, nip).await?;
        let request = Request::new(query).variables(Variables::from_json(variables));
        let response = self
            .schema
            .execute(prepare(request, db, Some(viewer)))
            .await;
        if let Some(error) = response.errors.first() {
            return Err(AppError::internal(format!(
                "demo data step failed: {}",
                error.message
            )));
        }
        response.data.into_json().map_err(AppError::internal)
    }
}

/// An ASN as the seed needs them.
struct Staff {
    id: String,
    nip: String,
    supervisor: Option<String>,
}

async fn staff_of(actor: &Actor, anchor: DateTime<Utc>, unit_code: &str) -> AppResult<Vec<Staff>> {
    let unit = actor
        .run(
            personas::ADMIN,
            anchor,
            "query ($c: String!) { unit(code: $c) { id } }",
            json!({ "c": unit_code }),
        )
        .await?;
    let body = actor
        .run(
            personas::ADMIN,
            anchor,
            "query ($u: ID!) { asns(filter: { unitId: $u }, orderBy: { field: NIP }, first: 100) {
               nodes { id nip supervisor { nip } } } }",
            json!({ "u": unit["unit"]["id"] }),
        )
        .await?;
    Ok(body["asns"]["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .map(|n| Staff {
                    id: n["id"].as_str().unwrap_or_default().to_owned(),
                    nip: n["nip"].as_str().unwrap_or_default().to_owned(),
                    supervisor: n["supervisor"]["nip"].as_str().map(str::to_owned),
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The perawat and two colleagues at Puskesmas Dumai Kota with their supervisors' NIPs: the
/// ASN whose daily activities the demo data holds.
pub async fn activity_staff(
    actor: &Actor,
    anchor: DateTime<Utc>,
) -> AppResult<Vec<(String, String)>> {
    let staff = staff_of(actor, anchor, "DINKES.PKM-DUMAI-KOTA").await?;
    let mut chosen: Vec<(String, String)> = staff
        .iter()
        .filter(|s| s.nip == personas::PERAWAT)
        .chain(
            staff
                .iter()
                .filter(|s| s.nip != personas::PERAWAT && s.nip != personas::KEPALA_PUSKESMAS)
                .take(2),
        )
        .filter_map(|s| Some((s.nip.clone(), s.supervisor.clone()?)))
        .collect();
    chosen.dedup();
    Ok(chosen)
}

const CREATE: &str =
    "mutation ($input: CreateEvaluationInput!) { createEvaluation(input: $input) { id } }";
const PUBLISH: &str = "mutation ($id: ID!) { publishEvaluation(id: $id) { id } }";
const FILE: &str = "mutation ($id: ID!, $r: String!) { fileAppeal(input: { evaluationId: $id, reason: $r }) { id } }";
const DECIDE: &str = "mutation ($input: DecideAppealInput!) { decideAppeal(input: $input) { id } }";

/// What happens to one seeded evaluation.
enum Fate {
    Draft,
    Published { days_ago: i64 },
    Appealed { days_ago: i64 },
    AppealRevised { days_ago: i64 },
}

/// Seeds evaluations in every status and one open and one decided appeal; returns how many
/// evaluations it wrote.
pub async fn evaluations(actor: &Actor, anchor: DateTime<Utc>) -> AppResult<usize> {
    let local = anchor.with_timezone(&wib());
    let this_quarter = (local.month0() / 3) as i32 + 1;
    let (year, quarter) = if this_quarter == 1 {
        (local.year() - 1, 4)
    } else {
        (local.year(), this_quarter - 1)
    };
    let staff = staff_of(actor, anchor, "DINKES.PKM-DUMAI-KOTA").await?;
    let others: Vec<&Staff> = staff
        .iter()
        .filter(|s| s.nip != personas::PERAWAT && s.nip != personas::KEPALA_PUSKESMAS)
        .collect();
    let mut plan: Vec<(&Staff, Fate, &str, &str)> = Vec::new();
    if let Some(perawat) = staff.iter().find(|s| s.nip == personas::PERAWAT) {
        plan.push((
            perawat,
            Fate::Published { days_ago: 2 },
            "SESUAI_EKSPEKTASI",
            "SESUAI_EKSPEKTASI",
        ));
    }
    if let Some(kapus) = staff.iter().find(|s| s.nip == personas::KEPALA_PUSKESMAS) {
        plan.push((
            kapus,
            Fate::Published { days_ago: 40 },
            "DI_ATAS_EKSPEKTASI",
            "DI_ATAS_EKSPEKTASI",
        ));
    }
    let fates = [
        (Fate::Draft, "SESUAI_EKSPEKTASI", "DI_ATAS_EKSPEKTASI"),
        (
            Fate::Appealed { days_ago: 6 },
            "DI_BAWAH_EKSPEKTASI",
            "SESUAI_EKSPEKTASI",
        ),
        (
            Fate::AppealRevised { days_ago: 30 },
            "DI_BAWAH_EKSPEKTASI",
            "DI_BAWAH_EKSPEKTASI",
        ),
        (
            Fate::Published { days_ago: 40 },
            "SESUAI_EKSPEKTASI",
            "DI_BAWAH_EKSPEKTASI",
        ),
    ];
    for (who, (fate, work, behaviour)) in others.into_iter().zip(fates) {
        plan.push((who, fate, work, behaviour));
    }
    let mut written = 0;
    for (who, fate, work, behaviour) in plan {
        let Some(evaluator) = who.supervisor.as_deref() else {
            continue;
        };
        let started = anchor
            - Duration::days(match fate {
                Fate::Draft => 1,
                Fate::Published { days_ago }
                | Fate::Appealed { days_ago }
                | Fate::AppealRevised { days_ago } => days_ago + 3,
            });
        let input = json!({ "input": {
            "asnId": who.id,
            "period": { "year": year, "kind": "QUARTERLY", "number": quarter },
            "workResultRating": work,
            "behaviourRating": behaviour,
            "summary": "Capaian rencana hasil kerja triwulan ini telah dibahas dalam dialog kinerja.",
            "behaviourNotes": [
                { "value": "BERORIENTASI_PELAYANAN", "note": "Ramah, cekatan dan solutif kepada pasien." },
                { "value": "KOLABORATIF", "note": "Aktif dalam kegiatan lintas program puskesmas." }
            ]
        } });
        let created = actor.run(evaluator, started, CREATE, input).await?;
        written += 1;
        let id = created["createEvaluation"]["id"].clone();
        let days_ago = match fate {
            Fate::Draft => continue,
            Fate::Published { days_ago }
            | Fate::Appealed { days_ago }
            | Fate::AppealRevised { days_ago } => days_ago,
        };
        let published_at = anchor - Duration::days(days_ago);
        actor
            .run(evaluator, published_at, PUBLISH, json!({ "id": id }))
            .await?;
        if matches!(fate, Fate::Published { .. }) {
            continue;
        }
        let appeal = actor
            .run(
                &who.nip,
                published_at + Duration::days(2),
                FILE,
                json!({ "id": id, "r": "Capaian target layanan sudah 95% sesuai laporan bulanan; mohon ditinjau kembali." }),
            )
            .await?;
        if let Fate::AppealRevised { .. } = fate {
            let decider = decider_of(actor, anchor, evaluator).await?;
            actor
                .run(
                    &decider,
                    published_at + Duration::days(9),
                    DECIDE,
                    json!({ "input": {
                        "appealId": appeal["fileAppeal"]["id"],
                        "decision": "REVISED",
                        "note": "Setelah klarifikasi kedua pihak, hasil kerja sesuai ekspektasi.",
                        "workResultRating": "SESUAI_EKSPEKTASI",
                        "behaviourRating": "DI_BAWAH_EKSPEKTASI"
                    } }),
                )
                .await?;
        }
    }
    crate::evaluations::sweeper::finalize_due(
        &Db::new(actor.pool.clone()),
        anchor,
        Settings::default().rules.appeal_window_days,
    )
    .await?;
    Ok(written)
}

/// The atasan pejabat penilai of `evaluator`, or the ADMIN persona when there is none.
async fn decider_of(actor: &Actor, anchor: DateTime<Utc>, evaluator: &str) -> AppResult<String> {
    let body = actor
        .run(
            personas::ADMIN,
            anchor,
            "query ($n: String!) { asn(nip: $n) { supervisor { nip } } }",
            json!({ "n": evaluator }),
        )
        .await?;
    Ok(body["asn"]["supervisor"]["nip"]
        .as_str()
        .unwrap_or(personas::ADMIN)
        .to_owned())
}
