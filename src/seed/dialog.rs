//! Feedback threads (umpan balik and the dialog on the perawat's published evaluation) and one
//! supervision visit to Puskesmas Dumai Kota — written through the API like the rest.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use super::reviews::Actor;
use crate::clock::wib;
use crate::error::{AppError, AppResult};
use crate::seed::demo_data::personas;

/// The second inspector of the demo data.
const INSPEKTUR_PEMBANTU: &str = "198604172008082001";

const GIVE: &str = "mutation ($input: GiveFeedbackInput!) { giveFeedback(input: $input) { id } }";
const VISIT: &str = "mutation ($input: RecordSupervisionVisitInput!) { recordSupervisionVisit(input: $input) { id } }";

async fn id_of(actor: &Actor, anchor: DateTime<Utc>, nip: &str) -> AppResult<Value> {
    let body = actor
        .run(
            personas::ADMIN,
            anchor,
            "query ($n: String!) { asn(nip: $n) { id } }",
            json!({ "n": nip }),
        )
        .await?;
    Ok(body["asn"]["id"].clone())
}

async fn give(actor: &Actor, author: &str, at: DateTime<Utc>, input: Value) -> AppResult<Value> {
    let body = actor
        .run(author, at, GIVE, json!({ "input": input }))
        .await?;
    Ok(body["giveFeedback"]["id"].clone())
}

/// Seeds feedback threads; returns how many entries.
pub async fn feedback(actor: &Actor, anchor: DateTime<Utc>) -> AppResult<usize> {
    let perawat = id_of(actor, anchor, personas::PERAWAT).await?;
    let kapus = id_of(actor, anchor, personas::KEPALA_PUSKESMAS).await?;
    let published = actor
        .run(
            personas::PERAWAT,
            anchor,
            "{ viewer { evaluations(first: 1) { nodes { id status } } } }",
            json!({}),
        )
        .await?;
    let evaluation = published["viewer"]["evaluations"]["nodes"][0]["id"].clone();
    if evaluation.is_null() {
        return Err(AppError::internal(
            "demo data: the perawat has no published evaluation",
        ));
    }
    let day = |n: i64| anchor - Duration::days(n);
    give(
        actor,
        personas::KEPALA_PUSKESMAS,
        day(20),
        json!({ "recipientId": perawat, "kind": "APPRECIATION",
        "body": "Terima kasih atas pelayanan posyandu lansia yang tertib minggu ini." }),
    )
    .await?;
    give(actor, personas::KEPALA_DINKES, day(12), json!({ "recipientId": perawat, "kind": "COACHING",
        "body": "Coba dokumentasikan asuhan keperawatan langsung di sistem agar bukti dukung lengkap." })).await?;
    let question = give(actor, personas::PERAWAT, day(1), json!({ "recipientId": kapus, "evaluationId": evaluation,
        "kind": "QUESTION", "body": "Apa yang perlu saya tingkatkan agar hasil kerja Di Atas Ekspektasi?" })).await?;
    give(
        actor,
        personas::KEPALA_PUSKESMAS,
        day(1) + Duration::hours(3),
        json!({ "recipientId": perawat,
        "evaluationId": evaluation, "parentId": question, "kind": "ANSWER",
        "body": "Naikkan cakupan kunjungan rumah dan lengkapi laporan bulanan tepat waktu." }),
    )
    .await?;
    Ok(4)
}

/// Seeds one supervision visit to Puskesmas Dumai Kota in the previous quarter, observing the
/// perawat and one colleague.
pub async fn visit(actor: &Actor, anchor: DateTime<Utc>, colleague: &str) -> AppResult<usize> {
    let local = anchor.with_timezone(&wib()).date_naive();
    let quarter_start = NaiveDate::from_ymd_opt(local.year(), (local.month0() / 3) * 3 + 1, 1)
        .ok_or_else(|| AppError::internal("demo data: no quarter start"))?;
    let visited_on = quarter_start - Duration::days(20);
    let recorded_at = anchor - Duration::days((local - visited_on).num_days() - 1);
    let unit = actor
        .run(
            personas::ADMIN,
            anchor,
            "{ unit(code: \"DINKES.PKM-DUMAI-KOTA\") { id } }",
            json!({}),
        )
        .await?;
    let input = json!({ "input": {
        "unitId": unit["unit"]["id"],
        "visitedOn": visited_on.to_string(),
        "summary": "Pengamatan langsung pelayanan rawat jalan dan ruang tindakan; antrean tertib, waktu tunggu rata-rata 25 menit.",
        "memberIds": [id_of(actor, anchor, INSPEKTUR_PEMBANTU).await?],
        "observations": [
            { "asnId": id_of(actor, anchor, personas::PERAWAT).await?, "rating": "DI_ATAS_EKSPEKTASI",
              "finding": "Edukasi pasien jelas dan ramah; SOP triase dijalankan lengkap.",
              "evidenceUrl": "https://dokumen.dumaikota.go.id/pengawasan/pkm-dumai-kota/foto-triase" },
            { "asnId": id_of(actor, anchor, colleague).await?, "rating": "SESUAI_EKSPEKTASI",
              "finding": "Pencatatan rekam medis lengkap, namun beberapa tanda tangan tertunda." }
        ]
    } });
    actor
        .run(personas::AUDITOR, recorded_at, VISIT, input)
        .await?;
    Ok(1)
}
