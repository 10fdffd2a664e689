//! Targets (RHK) cascading from the Kepala Dinas Kesehatan to the perawat, and a quarter of
//! daily activities at Puskesmas Dumai Kota with their reviews — written through the API at
//! the moments they would have happened.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde_json::{Value, json};

use super::reviews::Actor;
use crate::clock::wib;
use crate::error::{AppError, AppResult};
use crate::seed::demo_data::personas;

const CREATE_TARGET: &str =
    "mutation ($input: CreateTargetInput!) { createTarget(input: $input) { id } }";
const AGREE_TARGET: &str = "mutation ($id: ID!) { agreeTarget(id: $id) { id } }";
const CREATE_ACTIVITY: &str =
    "mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }";
const REVIEW_ACTIVITY: &str =
    "mutation ($input: ReviewActivityInput!) { reviewActivity(input: $input) { id } }";

/// The moment `hh:mm` WIB on `date`.
fn at(date: NaiveDate, hour: u32, minute: u32) -> AppResult<DateTime<Utc>> {
    let local = date
        .and_hms_opt(hour, minute, 0)
        .ok_or_else(|| AppError::internal("invalid seed time"))?;
    wib()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| AppError::internal("ambiguous seed time"))
}

async fn target(
    actor: &Actor,
    nip: &str,
    when: DateTime<Utc>,
    year: i32,
    title: &str,
    parent: Option<&Value>,
) -> AppResult<Value> {
    let body = actor
        .run(
            nip,
            when,
            CREATE_TARGET,
            json!({ "input": {
                "year": year,
                "title": title,
                "kind": "UTAMA",
                "parentTargetId": parent,
                "indicators": [
                    { "aspect": "KUANTITAS", "description": "Capaian layanan", "targetValue": 100.0, "unitOfMeasure": "persen" },
                    { "aspect": "WAKTU", "description": "Tepat waktu", "targetValue": 12.0, "unitOfMeasure": "bulan" }
                ]
            } }),
        )
        .await?;
    Ok(body["createTarget"]["id"].clone())
}

/// Seeds the cascade of targets; returns the perawat's target ID.
pub async fn targets(actor: &Actor, anchor: DateTime<Utc>) -> AppResult<Value> {
    let year = anchor.with_timezone(&wib()).year();
    let start = anchor - Duration::days(120);
    let kadinkes = target(
        actor,
        personas::KEPALA_DINKES,
        start,
        year,
        "Meningkatnya derajat kesehatan masyarakat Kota Dumai",
        None,
    )
    .await?;
    let kapus = target(
        actor,
        personas::KEPALA_PUSKESMAS,
        start + Duration::days(1),
        year,
        "Meningkatnya cakupan pelayanan kesehatan dasar di wilayah Puskesmas Dumai Kota",
        Some(&kadinkes),
    )
    .await?;
    actor
        .run(
            personas::KEPALA_DINKES,
            start + Duration::days(2),
            AGREE_TARGET,
            json!({ "id": kapus }),
        )
        .await?;
    let perawat = target(
        actor,
        personas::PERAWAT,
        start + Duration::days(3),
        year,
        "Terlaksananya asuhan keperawatan pasien rawat jalan sesuai standar",
        Some(&kapus),
    )
    .await?;
    actor
        .run(
            personas::KEPALA_PUSKESMAS,
            start + Duration::days(4),
            AGREE_TARGET,
            json!({ "id": perawat }),
        )
        .await?;
    Ok(perawat)
}

/// What the supervisor does with one day's entry.
fn decision(day: usize) -> (&'static str, Option<&'static str>) {
    match day % 17 {
        5 => ("REQUEST_REVISION", Some("Lengkapi bukti dukung kegiatan.")),
        11 => (
            "REJECT",
            Some("Kegiatan tidak sesuai jam kerja yang dilaporkan."),
        ),
        _ => ("APPROVE", None),
    }
}

/// Seeds two entries per working day for the last 13 weeks for the perawat and two colleagues;
/// entries older than a week are reviewed. Returns how many activities it wrote.
pub async fn activities(
    actor: &Actor,
    anchor: DateTime<Utc>,
    staff: &[(String, String)],
    perawat_target: &Value,
) -> AppResult<usize> {
    let today = anchor.with_timezone(&wib()).date_naive();
    let mut written = 0;
    for (who, supervisor) in staff {
        for back in (1..=91).rev() {
            let date = today - Duration::days(back);
            if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                continue;
            }
            let entries = [
                (
                    "07:30",
                    "11:30",
                    "Pelayanan pasien rawat jalan dan pencatatan rekam medis",
                    18,
                ),
                (
                    "13:00",
                    "15:30",
                    "Penyuluhan kesehatan dan kunjungan rumah pasien",
                    4,
                ),
            ];
            for (slot, (start, end, description, quantity)) in entries.into_iter().enumerate() {
                let target = (who.as_str() == personas::PERAWAT).then_some(perawat_target);
                let body = actor
                    .run(
                        who,
                        at(date, 16, 0)?,
                        CREATE_ACTIVITY,
                        json!({ "input": {
                            "date": date.to_string(),
                            "startTime": start,
                            "endTime": end,
                            "description": description,
                            "outputQuantity": quantity,
                            "outputUnit": if slot == 0 { "pasien" } else { "kegiatan" },
                            "targetId": target,
                        } }),
                    )
                    .await?;
                written += 1;
                if back <= 7 {
                    continue;
                }
                let (choice, note) = decision(back as usize + slot);
                actor
                    .run(
                        supervisor,
                        at(date + Duration::days(1), 9, 0)?,
                        REVIEW_ACTIVITY,
                        json!({ "input": { "activityId": body["createActivity"]["id"], "decision": choice, "note": note } }),
                    )
                    .await?;
            }
        }
    }
    Ok(written)
}
