//! `seed city` on a small plan: the data keeps the domain rules (NIPs, supervisor chains,
//! working days, the predikat matrix) as the API reads them, and the seed decides the data.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Nullable, Text};
use diesel_async::RunQueryDsl;
use kinerja::asn::model::{EmploymentType, Gender};
use kinerja::db::Db;
use kinerja::db::text_enum::from_name;
use kinerja::evaluations::predikat::{Predikat, predikat};
use kinerja::ratings::Rating;
use kinerja::seed::city::{CityPlan, CityReport, city, is_working_day};
use serde_json::json;

use crate::support::{TestApp, data, personas};

async fn seeded(seed: u64) -> (TestApp, CityReport) {
    let app = TestApp::empty().await;
    let report = city(&Db::new(app.pool.clone()), &CityPlan::small(), seed)
        .await
        .unwrap();
    (app, report)
}

#[derive(QueryableByName)]
struct Person {
    #[diesel(sql_type = Text)]
    nip: String,
    #[diesel(sql_type = Text)]
    employment_type: String,
    #[diesel(sql_type = Text)]
    gender: String,
}

#[derive(QueryableByName)]
struct Day {
    #[diesel(sql_type = Date)]
    day: chrono::NaiveDate,
    #[diesel(sql_type = Text)]
    opd: String,
}

#[derive(QueryableByName)]
struct Rated {
    #[diesel(sql_type = Nullable<Text>)]
    work: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    behaviour: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    predikat: Option<String>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Sum {
    #[diesel(sql_type = Text)]
    sum: String,
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut app.conn().await)
        .await
        .unwrap()
        .n
}

/// A checksum over every row of each table the seed writes.
async fn checksum(app: &TestApp) -> Vec<(&'static str, String)> {
    let tables = [
        "units",
        "asn",
        "role_grants",
        "performance_targets",
        "target_indicators",
        "activities",
        "evaluations",
        "evaluation_behaviour_notes",
        "appeals",
        "feedback",
        "supervision_visits",
        "supervision_visit_members",
        "observations",
    ];
    let mut sums = Vec::new();
    for table in tables {
        let sql =
            format!("SELECT md5(string_agg(r::text, '|' ORDER BY r::text)) AS sum FROM {table} r");
        let sum = diesel::sql_query(sql)
            .get_result::<Sum>(&mut app.conn().await)
            .await
            .unwrap()
            .sum;
        sums.push((table, sum));
    }
    sums
}

#[tokio::test]
async fn the_city_keeps_the_domain_rules() {
    let (app, report) = seeded(1).await;
    let plan = CityPlan::small();
    assert!(report.count("asn") > 300, "{report}");
    assert!(report.count("activities") > 5_000, "{report}");
    assert!(report.count("appeals") > 0, "{report}");

    // Every NIP is valid for its employment type and gender, and unique.
    let people: Vec<Person> = diesel::sql_query("SELECT nip, employment_type, gender FROM asn")
        .load(&mut app.conn().await)
        .await
        .unwrap();
    for p in &people {
        let employment: EmploymentType = from_name(&p.employment_type).unwrap();
        let gender: Gender = from_name(&p.gender).unwrap();
        kinerja::asn::nip::validate(&p.nip, employment, gender, plan.as_of)
            .unwrap_or_else(|e| panic!("{}: {e}", p.nip));
    }
    assert_eq!(
        count(&app, "SELECT count(DISTINCT nip) AS n FROM asn").await,
        report.count("asn")
    );

    // Every chain ends at a unit head; only the three personas the contract lists without a
    // supervisor stand alone.
    let loose = count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM asn a
             WHERE a.id = split_part(a.supervisor_path, '/', 2)::bigint
               AND NOT EXISTS (SELECT 1 FROM units u WHERE u.head_id = a.id)
               AND a.nip NOT IN ('{}', '{}', '{}')",
            personas::AUDITOR,
            personas::ANALIS,
            personas::GURU
        ),
    )
    .await;
    assert_eq!(loose, 0, "supervisor chains that do not end at a unit head");
    let top = count(
        &app,
        "SELECT count(*) AS n FROM asn a
         WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.head_id = a.id
                           AND split_part(a.supervisor_path, '/', 2)::bigint = a.id)
           AND a.id = split_part(a.supervisor_path, '/', 2)::bigint",
    )
    .await;
    assert_eq!(top, 3);

    // Office staff work on working days; only shift staff (Satpol PP, BPBD, RSUD) on others.
    let days: Vec<Day> = diesel::sql_query(
        "SELECT DISTINCT a.activity_date AS day, split_part(u.code, '.', 1) AS opd
         FROM activities a JOIN asn p ON p.id = a.asn_id JOIN units u ON u.id = p.unit_id",
    )
    .load(&mut app.conn().await)
    .await
    .unwrap();
    for d in &days {
        assert!(d.day <= plan.as_of && d.day >= plan.activities_from);
        if !is_working_day(d.day) {
            assert!(
                ["SATPOLPP", "BPBD", "RSUD"].contains(&d.opd.as_str()),
                "{} works on {}",
                d.opd,
                d.day
            );
        }
    }
    assert!(
        days.iter().any(|d| !is_working_day(d.day)),
        "shifts cover weekends"
    );
    let late = count(
        &app,
        "SELECT count(*) AS n FROM activities WHERE start_time < '07:00' OR end_time > '21:00'
            OR (reviewed_at IS NOT NULL AND reviewed_by IS NULL)",
    )
    .await;
    assert_eq!(late, 0);

    // The evaluator is the supervisor and the predikat follows the matrix.
    let wrong_evaluator = count(
        &app,
        "SELECT count(*) AS n FROM evaluations e JOIN asn a ON a.id = e.asn_id
         WHERE a.supervisor_id IS DISTINCT FROM e.evaluator_id",
    )
    .await;
    assert_eq!(wrong_evaluator, 0);
    let rated: Vec<Rated> = diesel::sql_query(
        "SELECT DISTINCT work_result_rating AS work, behaviour_rating AS behaviour, predikat
         FROM evaluations",
    )
    .load(&mut app.conn().await)
    .await
    .unwrap();
    assert!(rated.len() >= 6, "several matrix cells are used");
    for r in &rated {
        let expected = match (&r.work, &r.behaviour) {
            (Some(w), Some(b)) => Some(predikat(
                from_name::<Rating>(w).unwrap(),
                from_name::<Rating>(b).unwrap(),
            )),
            _ => None,
        };
        let got = r
            .predikat
            .as_deref()
            .map(|p| from_name::<Predikat>(p).unwrap());
        assert_eq!(got, expected, "{:?} {:?}", r.work, r.behaviour);
    }
    // An open appeal locks its evaluation; decided ones end FINAL.
    let open = count(
        &app,
        "SELECT count(*) AS n FROM appeals a JOIN evaluations e ON e.id = a.evaluation_id
         WHERE (a.status = 'OPEN') <> (e.status = 'APPEALED')",
    )
    .await;
    assert_eq!(open, 0);

    // Identity sequences continue after the explicit ids.
    let next = count(
        &app,
        "SELECT nextval(pg_get_serial_sequence('activities', 'id')) AS n",
    )
    .await;
    assert!(next > count(&app, "SELECT max(id) AS n FROM activities").await);
}

#[tokio::test]
async fn the_api_reads_the_city_with_the_personas() {
    let (app, report) = seeded(1).await;
    let body = data(
        app.query(
            personas::ADMIN,
            "query ($nip: String!) {
               asns { totalCount }
               units { totalCount }
               asn(nip: $nip) { supervisor { nip } }
               published: evaluations(filter: { status: [PUBLISHED] }) { totalCount }
               open: appeals(filter: { status: [OPEN] }) { totalCount }
             }",
            json!({ "nip": personas::PERAWAT }),
        )
        .await,
    );
    assert_eq!(body["asns"]["totalCount"], report.count("asn"));
    assert_eq!(body["units"]["totalCount"], report.count("units"));
    assert_eq!(body["asn"]["supervisor"]["nip"], personas::KEPALA_PUSKESMAS);
    let perawat = data(
        app.query(
            personas::PERAWAT,
            "{ viewer { unit { code } evaluations(first: 10) { nodes { status predikat
                 predikatRule { workResultRating behaviourRating predikat } } }
               activities(first: 5) { totalCount } } }",
            json!({}),
        )
        .await,
    );
    assert_eq!(perawat["viewer"]["unit"]["code"], "DINKES.PKM-DUMAI-KOTA");
    let nodes = perawat["viewer"]["evaluations"]["nodes"]
        .as_array()
        .unwrap();
    assert!(
        nodes.iter().any(|n| n["status"] == "PUBLISHED"),
        "{perawat}"
    );
    for n in nodes {
        let rule = &n["predikatRule"];
        let expected = predikat(
            from_name(rule["workResultRating"].as_str().unwrap()).unwrap(),
            from_name(rule["behaviourRating"].as_str().unwrap()).unwrap(),
        );
        assert_eq!(n["predikat"], json!(expected));
    }
    assert!(
        perawat["viewer"]["activities"]["totalCount"]
            .as_i64()
            .unwrap()
            > 0
    );
    // The guru persona (another unit, nobody's supervisor) reads none of the perawat's
    // records: no rows and a count of zero, without an error.
    let guru = data(
        app.query(
            personas::GURU,
            "query ($nip: String!) { asn(nip: $nip) {
               evaluations(first: 5) { totalCount nodes { id } }
               activities(first: 5) { totalCount nodes { id } } } }",
            json!({ "nip": personas::PERAWAT }),
        )
        .await,
    );
    assert_eq!(guru["asn"]["evaluations"]["totalCount"], 0, "{guru}");
    assert_eq!(guru["asn"]["evaluations"]["nodes"], json!([]), "{guru}");
    // The activity log of an ASN one may not read is withheld whole.
    assert!(guru["asn"]["activities"].is_null(), "{guru}");
}

#[tokio::test]
async fn the_seed_decides_the_data() {
    let ((one, _), (again, _), (two, _)) = tokio::join!(seeded(1), seeded(1), seeded(2));
    let sum = checksum(&one).await;
    assert_eq!(sum, checksum(&again).await, "same seed, same data");
    assert_ne!(sum, checksum(&two).await, "another seed, other data");
    // Seeding the same city again does nothing; another city is refused.
    let db = Db::new(one.pool.clone());
    let report = city(&db, &CityPlan::small(), 1).await.unwrap();
    assert!(report.already_present);
    let err = city(&db, &CityPlan::small(), 2).await.unwrap_err();
    assert_eq!(err.code().as_str(), "CONFLICT");
    assert_eq!(checksum(&one).await, sum);
}
