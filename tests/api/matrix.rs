//! The authorisation matrix: for each demo persona and each kind of personal record, what can
//! be read through every path — `node(id)`, `nodes(ids)`, the direct field, the top-level
//! connection and its count, and the nested fields — with zero leaks. Every path must agree
//! with the one expected answer per persona and record; a denied persona sees no row and a
//! count of 0 on every connection, and the only error any read may raise is FORBIDDEN on direct
//! access to a record it may not read.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::evaluations::asn_id;
use crate::support::{TestApp, codes, data, personas};

/// The UNIT_ADMIN of Dinas Kesehatan in the demo data.
const UNIT_ADMIN: &str = "198208162008011001";
/// A bidan of Puskesmas Dumai Kota under the Kepala Puskesmas: the perawat's peer.
const PEER: &str = "199606062024212001";
/// The Inspektur Pembantu Wilayah I, granted INSPECTOR by the test: an inspector who visited
/// no unit.
const NEW_INSPECTOR: &str = "197809092003121001";

const P: &str = personas::PERAWAT;
const KP: &str = personas::KEPALA_PUSKESMAS;
const KD: &str = personas::KEPALA_DINKES;
const AD: &str = personas::ADMIN;
const UA: &str = UNIT_ADMIN;
const AU: &str = personas::AUDITOR;

/// Every persona of the matrix.
const PERSONAS: [&str; 10] = [
    P,
    KP,
    KD,
    AD,
    UA,
    AU,
    NEW_INSPECTOR,
    personas::ANALIS,
    personas::GURU,
    PEER,
];

/// A record under test and who may read it.
struct Record {
    /// Its alias in [`PATHS`] (`n<key>` is its `node`).
    key: &'static str,
    id: String,
    readers: &'static [&'static str],
}

impl Record {
    fn readable_by(&self, nip: &str) -> bool {
        self.readers.contains(&nip)
    }
}

/// The records of the matrix, by key.
struct Records(Vec<Record>);

impl Records {
    fn get(&self, key: &str) -> &Record {
        self.0.iter().find(|r| r.key == key).unwrap()
    }

    fn id(&self, key: &str) -> &str {
        &self.get(key).id
    }

    /// The IDs among `keys` that `nip` may read.
    fn readable(&self, nip: &str, keys: &[&str]) -> BTreeSet<String> {
        keys.iter()
            .map(|key| self.get(key))
            .filter(|r| r.readable_by(nip))
            .map(|r| r.id.clone())
            .collect()
    }
}

fn id(value: &Value) -> String {
    value.as_str().unwrap().to_owned()
}

/// Writes the records the demo data lacks and reads every ID as ADMIN.
async fn arrange(app: &TestApp) -> Records {
    let q4 = json!({ "year": 2026, "kind": "QUARTERLY", "number": 4 });
    // A DRAFT evaluation of the perawat.
    let draft = data(
        app.query(
            KP,
            crate::evaluations::CREATE,
            json!({ "input": { "asnId": asn_id(app, P).await, "period": q4,
                "workResultRating": "DI_BAWAH_EKSPEKTASI", "behaviourRating": "SESUAI_EKSPEKTASI" } }),
        )
        .await,
    )["createEvaluation"]["id"]
        .clone();
    let before = data(
        app.query(
            AD,
            "query ($n: String!, $k: String!) {
               perawat: asn(nip: $n) { id
                 evaluations(first: 10, filter: { year: 2026, kind: QUARTERLY, number: 3 }) { nodes { id status } }
                 activities(first: 1) { nodes { id } }
                 feedbackReceived(first: 50) { nodes { id evaluationId author { nip } } }
                 feedbackGiven(first: 50) { nodes { id evaluationId } }
                 observations(first: 1) { nodes { id visit { id observations { nodes { id asn { supervisor { nip } } } } } } }
                 targets(year: 2026) { id } }
               kapus: asn(nip: $k) { id targets(year: 2026) { id } }
               open: appeals(filter: { status: [OPEN] }) { nodes { id } }
               decided: appeals(filter: { status: [REVISED] }) { nodes { id } } }",
            json!({ "n": P, "k": KP }),
        )
        .await,
    );
    let perawat = &before["perawat"];
    let evaluation = perawat["evaluations"]["nodes"][0].clone();
    assert_eq!(evaluation["status"], "PUBLISHED");
    // The perawat's appeal on it, decided by the atasan pejabat penilai.
    let appeal = data(
        app.query(
            P,
            "mutation ($e: ID!) { fileAppeal(input: { evaluationId: $e, reason: \"Mohon ditinjau\" }) { id } }",
            json!({ "e": evaluation["id"] }),
        )
        .await,
    )["fileAppeal"]["id"]
        .clone();
    data(
        app.query(
            KD,
            "mutation ($a: ID!) { decideAppeal(input: { appealId: $a, decision: REJECTED, note: \"Sesuai bukti\" }) { id } }",
            json!({ "a": appeal }),
        )
        .await,
    );
    // An activity of the Kepala Puskesmas on her own RHK (which her direct reports read).
    let kapus_target = before["kapus"]["targets"][0]["id"].clone();
    let kapus_activity = data(
        app.query(
            KP,
            "mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }",
            json!({ "input": { "date": "2026-11-27", "startTime": "21:00", "endTime": "22:30",
                "description": "Rapat evaluasi program", "targetId": kapus_target } }),
        )
        .await,
    )["createActivity"]["id"]
        .clone();
    // A role grant: an inspector who visited nothing.
    data(
        app.query(
            AD,
            "mutation ($a: ID!) { grantRole(input: { asnId: $a, role: INSPECTOR }) { nip } }",
            json!({ "a": asn_id(app, NEW_INSPECTOR).await }),
        )
        .await,
    );

    let plain = perawat["feedbackReceived"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["evaluationId"].is_null() && f["author"]["nip"] == KP)
        .expect("feedback outside a dialog");
    let answer = perawat["feedbackReceived"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["evaluationId"] == evaluation["id"])
        .expect("the answer in the dialog");
    let question = perawat["feedbackGiven"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["evaluationId"] == evaluation["id"])
        .expect("the question in the dialog");
    let observation = &perawat["observations"]["nodes"][0];
    let colleague = observation["visit"]["observations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] != observation["id"])
        .expect("the colleague's observation");
    assert_eq!(colleague["asn"]["supervisor"]["nip"], KP);
    let record = |key: &'static str, id: &Value, readers: &'static [&'static str]| Record {
        key,
        id: self::id(id),
        readers,
    };
    Records(vec![
        record("P", &perawat["id"], &[]),
        record("K", &before["kapus"]["id"], &[]),
        // The perawat's evaluation (FINAL after her appeal), and her DRAFT of Q4.
        record("E", &evaluation["id"], &[P, KP, KD, AD, UA, AU]),
        record("D", &draft, &[KP, KD, AD, UA, AU]),
        record(
            "A",
            &perawat["activities"]["nodes"][0]["id"],
            &[P, KP, KD, AD, UA, AU],
        ),
        record("AK", &kapus_activity, &[KP, KD, AD, UA, AU]),
        record("F", &plain["id"], &[P, KP, KD, AD, UA]),
        record("Q", &question["id"], &[P, KP, KD, AD, UA]),
        record("Ans", &answer["id"], &[P, KP, KD, AD, UA]),
        record("O", &observation["id"], &[P, KP, KD, AD, UA, AU]),
        record("O2", &colleague["id"], &[KP, KD, AD, UA, AU]),
        // A colleague's open appeal, another's decided one, and the perawat's.
        record("OA", &before["open"]["nodes"][0]["id"], &[KP, KD, AD, UA]),
        record(
            "RA",
            &before["decided"]["nodes"][0]["id"],
            &[KP, KD, AD, UA],
        ),
        record("DA", &appeal, &[P, KP, KD, AD, UA]),
        record("T", &perawat["targets"][0]["id"], &[P, KP, KD, AD, UA]),
        record("TK", &kapus_target, &[KP, KD, AD, UA, P, PEER]),
        record("V", &observation["visit"]["id"], &PERSONAS),
    ])
}

/// Records read directly, by `node`, `nodes` and (where one exists) their own root field.
const DIRECT: [&str; 15] = [
    "E", "D", "A", "AK", "F", "Q", "Ans", "O", "O2", "OA", "RA", "DA", "T", "TK", "V",
];

const PATHS: &str = "query ($p: ID!, $k: ID!, $n: String!, $kn: String!, $gn: String!,
    $E: ID!, $D: ID!, $A: ID!, $AK: ID!, $F: ID!, $Q: ID!, $Ans: ID!, $O: ID!, $O2: ID!,
    $OA: ID!, $RA: ID!, $DA: ID!, $T: ID!, $TK: ID!, $V: ID!, $ids: [ID!]!) {
  nodes(ids: $ids) { id }
  nE: node(id: $E) { id } nD: node(id: $D) { id } nA: node(id: $A) { id }
  nAK: node(id: $AK) { id } nF: node(id: $F) { id } nQ: node(id: $Q) { id }
  nAns: node(id: $Ans) { id } nO: node(id: $O) { id } nO2: node(id: $O2) { id }
  nOA: node(id: $OA) { id } nRA: node(id: $RA) { id } nDA: node(id: $DA) { id }
  nT: node(id: $T) { id } nTK: node(id: $TK) { id } nV: node(id: $V) { id }
  dE: evaluation(id: $E) { id feedback { id replies(first: 50) { totalCount nodes { id } } } observations { id } appeals { id } history { action } }
  dD: evaluation(id: $D) { id history { action } }
  dA: activity(id: $A) { id target { id } history { action } }
  dAK: activity(id: $AK) { id target { id } }
  dOA: appeal(id: $OA) { id evaluation { id } }
  dRA: appeal(id: $RA) { id evaluation { id } }
  dDA: appeal(id: $DA) { id evaluation { id } }
  dV: supervisionVisit(id: $V) { id observations(first: 100) { totalCount nodes { id } } }
  visits: supervisionVisits(first: 100) { totalCount nodes { observations(first: 100) { totalCount nodes { id } } } }
  listE: evaluations(filter: { asnId: $p }, first: 100) { totalCount nodes { id } }
  listA: activities(filter: { asnId: $p }, first: 100) { totalCount nodes { id } }
  listAK: activities(filter: { asnId: $k }, first: 100) { totalCount nodes { id } }
  listAp: appeals(first: 100) { totalCount nodes { id } }
  perawat: asn(nip: $n) {
    evaluations(first: 100) { totalCount nodes { id } }
    activities(first: 100) { totalCount nodes { id target { id } } }
    activitySummary(year: 2026, month: 11) { approvedMinutes }
    feedbackReceived(first: 50) { totalCount nodes { id parent { id } evaluation { id }
      replies(first: 50) { totalCount nodes { id } } } }
    feedbackGiven(first: 50) { totalCount nodes { id replies(first: 50) { totalCount nodes { id } } } }
    observations(first: 100) { totalCount nodes { id } }
    auditTrail(first: 100) { totalCount nodes { entityId } }
    roles { role }
    targets(year: 2026) { id activities(first: 100) { totalCount nodes { id } } }
  }
  kapus: asn(nip: $kn) {
    activities(first: 100) { totalCount nodes { id } }
    feedbackReceived(first: 50) { totalCount nodes { id replies(first: 50) { totalCount nodes { id } } } }
    feedbackGiven(first: 50) { totalCount nodes { id parent { id } } }
    targets(year: 2026) { id activities(first: 100) { totalCount nodes { id } } }
  }
  granted: asn(nip: $gn) { roles { role } auditTrail(first: 100) { totalCount nodes { action } } }
  unit(code: \"DINKES.PKM-DUMAI-KOTA\") {
    asns(first: 100) { nodes { nip evaluations(first: 100) { totalCount
      nodes { id appeals { id } observations { id } } } } }
  }
}";

/// The IDs of a list of `{ id }` objects.
fn ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .map(|items| items.iter().map(|item| id(&item["id"])).collect())
        .unwrap_or_default()
}

/// Collects the disagreements of one persona's answer.
struct Check<'a> {
    nip: &'a str,
    failures: Vec<String>,
}

impl Check<'_> {
    fn that(&mut self, ok: bool, what: impl std::fmt::Display) {
        if !ok {
            self.failures.push(format!("{}: {what}", self.nip));
        }
    }

    /// A connection: exactly the rows `expected`, and a count of as many.
    fn connection(&mut self, what: &str, connection: &Value, expected: &BTreeSet<String>) {
        self.that(
            ids(&connection["nodes"]) == *expected,
            format!("{what} rows {} != {expected:?}", connection["nodes"]),
        );
        self.that(
            connection["totalCount"] == expected.len(),
            format!(
                "{what} count {} != {}",
                connection["totalCount"],
                expected.len()
            ),
        );
    }

    /// A connection that shows everything ADMIN sees, or (when `visible` is false) nothing; a
    /// nullable one may be null instead of empty.
    fn all_or_nothing(
        &mut self,
        what: &str,
        connection: &Value,
        admin: &Value,
        visible: bool,
        nullable: bool,
    ) {
        if visible {
            self.that(
                connection["totalCount"] == admin["totalCount"]
                    && ids(&connection["nodes"]) == ids(&admin["nodes"]),
                format!("{what}: {} != ADMIN's {}", connection, admin),
            );
        } else if !(nullable && connection.is_null()) {
            self.connection(what, connection, &BTreeSet::new());
        }
    }
}

#[tokio::test]
async fn every_path_agrees_and_nothing_leaks() {
    let app = TestApp::new().await;
    let r = arrange(&app).await;
    let mut variables = json!({ "p": r.id("P"), "k": r.id("K"), "n": P, "kn": KP,
        "gn": NEW_INSPECTOR, "ids": DIRECT.iter().map(|key| r.id(key)).collect::<Vec<_>>() });
    for key in DIRECT {
        variables[key] = json!(r.id(key));
    }
    let admin = data(app.query(AD, PATHS, variables.clone()).await);
    let mut failures = Vec::new();
    for nip in PERSONAS {
        let body = app.query(nip, PATHS, variables.clone()).await;
        let d = &body["data"];
        let mut check = Check {
            nip,
            failures: Vec::new(),
        };
        let sees = |key: &str| r.get(key).readable_by(nip);

        // Direct access: the record, or null with FORBIDDEN; no other error anywhere.
        let mut forbidden = BTreeSet::new();
        for error in body["errors"].as_array().into_iter().flatten() {
            let path = error["path"].as_array().cloned().unwrap_or_default();
            check.that(
                error["extensions"]["code"] == "FORBIDDEN" && path.len() == 1,
                format!("unexpected error {error}"),
            );
            forbidden.insert(
                path.first()
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            );
        }
        let mut denied = BTreeSet::new();
        for key in DIRECT {
            let visible = sees(key);
            let mut fields = vec![format!("n{key}")];
            if ["E", "D", "A", "AK", "OA", "RA", "DA", "V"].contains(&key) {
                fields.push(format!("d{key}"));
            }
            for field in fields {
                check.that(
                    (d[&field]["id"] == r.id(key)) == visible,
                    format!("{field} = {}", d[&field]),
                );
                if !visible {
                    check.that(d[&field].is_null(), format!("{field} not null"));
                    denied.insert(field);
                }
            }
        }
        check.that(
            forbidden == denied,
            format!("FORBIDDEN on {forbidden:?}, expected {denied:?}"),
        );
        let listed: Vec<Value> = d["nodes"].as_array().cloned().unwrap_or_default();
        check.that(listed.len() == DIRECT.len(), "nodes: one entry per ID");
        for (key, node) in DIRECT.iter().zip(&listed) {
            let expected = if sees(key) {
                json!({ "id": r.id(key) })
            } else {
                Value::Null
            };
            check.that(*node == expected, format!("nodes[{key}] = {node}"));
        }

        // Nested under the records read directly.
        if sees("E") {
            let e = &d["dE"];
            // The dialog: the question at the top, the answer as its reply.
            check.that(
                ids(&e["feedback"]) == r.readable(nip, &["Q"]),
                format!("evaluation.feedback {}", e["feedback"]),
            );
            for question in e["feedback"].as_array().into_iter().flatten() {
                check.connection(
                    "evaluation.feedback.replies",
                    &question["replies"],
                    &r.readable(nip, &["Ans"]),
                );
            }
            check.that(
                ids(&e["observations"]) == r.readable(nip, &["O"]),
                format!("evaluation.observations {}", e["observations"]),
            );
            check.that(
                ids(&e["appeals"]) == r.readable(nip, &["DA"]),
                format!("evaluation.appeals {}", e["appeals"]),
            );
            check.that(e["history"] == admin["dE"]["history"], "evaluation.history");
        }
        if sees("D") {
            check.that(
                d["dD"]["history"] == admin["dD"]["history"],
                "draft.history",
            );
        }
        for (activity, target) in [("A", "T"), ("AK", "TK")] {
            if sees(activity) {
                let shown = &d[format!("d{activity}")]["target"];
                let expected = if sees(target) {
                    json!({ "id": r.id(target) })
                } else {
                    Value::Null
                };
                check.that(*shown == expected, format!("activity.target {shown}"));
            }
        }
        for appeal in ["OA", "RA", "DA"] {
            if sees(appeal) {
                let shown = &d[format!("d{appeal}")]["evaluation"];
                let expected = &admin[format!("d{appeal}")]["evaluation"];
                check.that(shown == expected, format!("appeal.evaluation {shown}"));
            }
        }
        let observations = r.readable(nip, &["O", "O2"]);
        check.connection(
            "visit.observations",
            &d["dV"]["observations"],
            &observations,
        );
        let in_visits: BTreeSet<String> = d["visits"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|v| ids(&v["observations"]["nodes"]))
            .collect();
        check.that(
            in_visits == observations,
            format!("visits.observations {in_visits:?}"),
        );

        // Root connections.
        let evaluations = r.readable(nip, &["E", "D"]);
        check.connection("evaluations", &d["listE"], &evaluations);
        check.all_or_nothing("activities", &d["listA"], &admin["listA"], sees("A"), false);
        check.all_or_nothing(
            "kapus activities",
            &d["listAK"],
            &admin["listAK"],
            sees("AK"),
            false,
        );
        check.connection(
            "appeals",
            &d["listAp"],
            &r.readable(nip, &["OA", "RA", "DA"]),
        );

        // Nested under the perawat.
        let perawat = &d["perawat"];
        let personal = r.get("F").readable_by(nip);
        check.connection("perawat.evaluations", &perawat["evaluations"], &evaluations);
        check.all_or_nothing(
            "perawat.activities",
            &perawat["activities"],
            &admin["perawat"]["activities"],
            sees("A"),
            true,
        );
        check.that(
            perawat["activitySummary"].is_object() == sees("A"),
            format!("activitySummary {}", perawat["activitySummary"]),
        );
        check.all_or_nothing(
            "perawat.feedbackReceived",
            &perawat["feedbackReceived"],
            &admin["perawat"]["feedbackReceived"],
            personal,
            false,
        );
        check.all_or_nothing(
            "perawat.feedbackGiven",
            &perawat["feedbackGiven"],
            &admin["perawat"]["feedbackGiven"],
            sees("Q"),
            false,
        );
        for entry in perawat["feedbackReceived"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let admins = admin["perawat"]["feedbackReceived"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["id"] == entry["id"])
                .unwrap();
            // The answer's parent (the question) and evaluation, and the replies.
            check.that(
                entry == admins,
                format!("feedbackReceived entry {entry} != {admins}"),
            );
        }
        for entry in perawat["feedbackGiven"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let replies = ids(&entry["replies"]["nodes"]);
            if entry["id"] == r.id("Q") {
                check.that(
                    replies == r.readable(nip, &["Ans"]),
                    format!("question.replies {replies:?}"),
                );
            }
        }
        check.connection(
            "perawat.observations",
            &perawat["observations"],
            &r.readable(nip, &["O"]),
        );
        let trail = &perawat["auditTrail"];
        if personal {
            let about_draft = trail["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|entry| entry["entityId"] == r.id("D"));
            check.that(about_draft == sees("D"), "auditTrail: the draft's entries");
            let hidden = i64::from(!sees("D"));
            check.that(
                trail["totalCount"].as_i64()
                    == admin["perawat"]["auditTrail"]["totalCount"]
                        .as_i64()
                        .map(|n| n - hidden),
                format!("auditTrail count {}", trail["totalCount"]),
            );
        } else {
            check.that(trail.is_null(), format!("auditTrail {trail}"));
        }
        check.that(
            perawat["roles"] == if personal { json!([]) } else { Value::Null },
            format!("roles {}", perawat["roles"]),
        );
        if sees("T") {
            let targets = &perawat["targets"];
            check.that(
                ids(targets).contains(r.id("T")),
                format!("perawat.targets {targets}"),
            );
            check.that(
                targets == &admin["perawat"]["targets"],
                "perawat.targets.activities",
            );
        } else {
            check.that(
                perawat["targets"].is_null(),
                format!("perawat.targets {}", perawat["targets"]),
            );
        }

        // Nested under the Kepala Puskesmas.
        let kapus = &d["kapus"];
        check.all_or_nothing(
            "kapus.activities",
            &kapus["activities"],
            &admin["kapus"]["activities"],
            sees("AK"),
            true,
        );
        let above = [KP, KD, AD, UA].contains(&nip);
        // Feedback to her: all for her scope; the perawat's own question for the perawat.
        if above {
            check.that(
                kapus["feedbackReceived"] == admin["kapus"]["feedbackReceived"],
                "kapus.feedbackReceived",
            );
        } else {
            let own: BTreeSet<String> = if nip == P {
                r.readable(nip, &["Q"])
            } else {
                BTreeSet::new()
            };
            check.connection("kapus.feedbackReceived", &kapus["feedbackReceived"], &own);
        }
        // Feedback by her: all of it is to the perawat.
        check.all_or_nothing(
            "kapus.feedbackGiven",
            &kapus["feedbackGiven"],
            &admin["kapus"]["feedbackGiven"],
            personal,
            false,
        );
        if sees("TK") {
            let targets = kapus["targets"].as_array().unwrap();
            let tk = targets.iter().find(|t| t["id"] == r.id("TK")).unwrap();
            let admins = admin["kapus"]["targets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == r.id("TK"))
                .unwrap();
            check.that(
                ids(&admins["activities"]["nodes"]).contains(r.id("AK")),
                "ADMIN reads the kapus activity on her RHK",
            );
            if sees("AK") {
                check.that(
                    tk["activities"] == admins["activities"],
                    "kapus target.activities",
                );
            } else {
                check.that(
                    tk["activities"].is_null(),
                    format!("kapus target.activities {}", tk["activities"]),
                );
            }
        } else {
            check.that(
                kapus["targets"].is_null(),
                format!("kapus.targets {}", kapus["targets"]),
            );
        }

        // The role grant and its audit entry.
        let granted = &d["granted"];
        if [NEW_INSPECTOR, AD].contains(&nip) {
            check.that(
                granted["roles"] == json!([{ "role": "INSPECTOR" }]),
                format!("roles {}", granted["roles"]),
            );
            check.that(
                granted["auditTrail"]["nodes"][0]["action"] == "ROLE_GRANTED",
                format!("trail {}", granted["auditTrail"]),
            );
        } else {
            check.that(
                granted["roles"].is_null(),
                format!("granted roles {}", granted["roles"]),
            );
            check.that(
                granted["auditTrail"].is_null(),
                format!("granted trail {}", granted["auditTrail"]),
            );
        }

        // Nested under the unit: every ASN's evaluations, their appeals and observations.
        // Those who read the puskesmas staff's evaluations: the chain above them, the admins
        // and the inspector who visited.
        let reads_unit = [KP, KD, AD, UA, AU].contains(&nip);
        let staff = d["unit"]["asns"]["nodes"].as_array().unwrap();
        let admins = admin["unit"]["asns"]["nodes"].as_array().unwrap();
        check.that(staff.len() == admins.len(), "unit.asns: the directory");
        let mut appeals = BTreeSet::new();
        let mut observed = BTreeSet::new();
        for (asn, admins) in staff.iter().zip(admins) {
            let evaluations = &asn["evaluations"];
            let what = format!("unit.asns[{}].evaluations", asn["nip"]);
            if asn["nip"] == P {
                check.connection(&what, evaluations, &r.readable(nip, &["E", "D"]));
            } else {
                check.all_or_nothing(
                    &what,
                    evaluations,
                    &admins["evaluations"],
                    reads_unit,
                    false,
                );
            }
            for e in evaluations["nodes"].as_array().into_iter().flatten() {
                appeals.extend(ids(&e["appeals"]));
                observed.extend(ids(&e["observations"]));
            }
        }
        check.that(
            appeals == r.readable(nip, &["OA", "RA", "DA"]),
            format!("unit...appeals {appeals:?}"),
        );
        check.that(
            observed == observations,
            format!("unit...observations {observed:?}"),
        );
        failures.extend(check.failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Ns. Hendrawati, Perawat Ahli Muda at Puskesmas Dumai Kota: her evaluation of the last
/// quarter is the demo data's DRAFT, by the Kepala Puskesmas.
const DRAFTED: &str = "198407152009032001";

const TRAIL: &str = "query ($n: String!, $after: String) { asn(nip: $n) {
  auditTrail(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { action entityType entityId before after } } } }";

/// The whole audit trail of `subject` as `viewer` reads it: its count, its entries (newest
/// first) and the statements its first page cost.
async fn trail(app: &TestApp, viewer: &str, subject: &str) -> (i64, Vec<Value>, usize) {
    let mut entries = Vec::new();
    let mut after = Value::Null;
    let mut first_page = None;
    loop {
        let (body, statements) = app
            .run(Some(viewer), TRAIL, json!({ "n": subject, "after": after }))
            .await;
        first_page.get_or_insert(statements);
        let page = data(body)["asn"]["auditTrail"].clone();
        entries.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            let total = page["totalCount"].as_i64().unwrap();
            assert_eq!(
                total,
                entries.len() as i64,
                "{viewer}: the count is what is listed"
            );
            return (total, entries, first_page.unwrap());
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn the_audit_trail_shows_an_evaluation_only_to_those_who_may_read_it() {
    let app = TestApp::new().await;
    let evaluations = data(
        app.query(
            personas::ADMIN,
            "query ($n: String!) { asn(nip: $n) { evaluations(first: 10) { nodes { id status } } } }",
            json!({ "n": DRAFTED }),
        )
        .await,
    );
    let draft = evaluations["asn"]["evaluations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "DRAFT")
        .expect("the demo data's draft")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let about_draft = |entries: &[Value]| -> Vec<String> {
        entries
            .iter()
            .filter(|e| e["entityId"] == draft.as_str())
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    // The evaluated ASN may not read her draft, directly or in her audit trail (where its
    // ratings and predikat would show in `after`).
    let direct = app
        .query(
            DRAFTED,
            "query ($id: ID!) { evaluation(id: $id) { id predikat } }",
            json!({ "id": draft }),
        )
        .await;
    assert_eq!(codes(&direct), ["FORBIDDEN"], "{direct}");
    let (own_total, own, statements) = trail(&app, DRAFTED, DRAFTED).await;
    assert_eq!(
        about_draft(&own),
        Vec::<String>::new(),
        "the draft's entries show in her trail"
    );
    // The viewer, the ASN, her unit (for the rule) and the page with its count.
    assert_eq!(statements, 4, "statements of the ASN's own trail");
    // Her evaluator reads the draft and its entry: the only one she was not shown.
    let (boss_total, boss, statements) = trail(&app, personas::KEPALA_PUSKESMAS, DRAFTED).await;
    assert_eq!(about_draft(&boss), ["CREATED"]);
    let created = boss
        .iter()
        .find(|e| e["entityId"] == draft.as_str())
        .unwrap();
    assert_eq!(created["entityType"], "Evaluation");
    assert!(created["after"]["predikat"].is_string(), "{created}");
    assert_eq!(boss_total, own_total + 1);
    assert_eq!(statements, 4, "statements of the supervisor's read");

    // Once published, the whole history of the evaluation is hers to read.
    data(
        app.query(
            personas::KEPALA_PUSKESMAS,
            crate::evaluations::PUBLISH,
            json!({ "id": draft }),
        )
        .await,
    );
    let (published_total, published, _) = trail(&app, DRAFTED, DRAFTED).await;
    assert_eq!(about_draft(&published), ["PUBLISHED", "CREATED"]);
    assert_eq!(published_total, own_total + 2);
}

/// Moves `nip` to the unit `unit` under `supervisor` (a transfer), as the directory would.
async fn transfer(app: &TestApp, nip: &str, unit: &str, supervisor: &str) {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use kinerja::db::schema::{asn, units};
    let mut conn = app.conn().await;
    let boss: i64 = asn::table
        .filter(asn::nip.eq(supervisor))
        .select(asn::id)
        .first(&mut conn)
        .await
        .unwrap();
    let unit: i64 = units::table
        .filter(units::code.eq(unit))
        .select(units::id)
        .first(&mut conn)
        .await
        .unwrap();
    let moved = diesel::update(asn::table.filter(asn::nip.eq(nip)))
        .set((asn::supervisor_id.eq(boss), asn::unit_id.eq(unit)))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(moved, 1);
}

#[tokio::test]
async fn an_appeal_shows_its_evaluation_only_to_those_who_may_read_it() {
    let app = TestApp::new().await;
    let evaluation =
        crate::evaluations::published(&app, "DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI").await;
    let appeal = data(
        app.query(
            P,
            "mutation ($e: ID!) { fileAppeal(input: { evaluationId: $e, reason: \"Mohon ditinjau\" }) { id } }",
            json!({ "e": evaluation }),
        )
        .await,
    )["fileAppeal"]["id"]
        .clone();
    // The perawat moves to a school while her appeal is open: the atasan of her evaluator
    // still decides it, but is no longer above her.
    transfer(
        &app,
        P,
        "DISDIKBUD.SDN-001-DUMAI-KOTA",
        "197511302000121001",
    )
    .await;
    let direct = app
        .query(
            KD,
            "query ($e: ID!) { evaluation(id: $e) { id } }",
            json!({ "e": evaluation }),
        )
        .await;
    assert!(direct["data"]["evaluation"].is_null(), "{direct}");
    assert_eq!(codes(&direct), ["FORBIDDEN"], "{direct}");
    let q = "query ($a: ID!) { appeal(id: $a) { id status evaluation { id predikat } } }";
    let (body, statements) = app.run(Some(KD), q, json!({ "a": appeal })).await;
    let body = data(body);
    assert_eq!(body["appeal"]["id"], appeal, "{body}");
    assert!(
        body["appeal"]["evaluation"].is_null(),
        "the appeal shows the evaluation the decider may not read: {body}"
    );
    // The viewer, the appeal, then (its rule) the appellant, her unit, the evaluation and its
    // evaluator; the evaluation's own rule finds them all in the loader's cache.
    assert_eq!(statements, 6, "{body}");
    // Who may read the evaluation still reads it through the appeal.
    let body = data(app.query(KP, q, json!({ "a": appeal })).await);
    assert_eq!(body["appeal"]["evaluation"]["id"], evaluation.as_str());
}
