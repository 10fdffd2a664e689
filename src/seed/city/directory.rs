//! The city directory, built in memory (ids assigned in order, parents and supervisors first)
//! and written level by level with `INSERT … SELECT FROM unnest(…)`, so the path triggers see
//! every parent.

use std::collections::HashMap;

use diesel::sql_types::{Array, BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::CityPlan;
use super::catalog::{KECAMATAN, KECAMATAN_SEKSI, OPDS, PUSKESMAS, Profile};
use super::people::{Level, People, Person};
use crate::error::{AppError, AppResult};
use crate::seed::demo_data::{self, personas};

/// The NIP of the Kasubbag Umum dan Kepegawaian of the Dinas Kesehatan (UNIT_ADMIN persona).
const KASUBBAG_UMUM_DINKES: &str = "198208162008011001";

/// Moment the directory rows are stamped with.
pub const CREATED: &str = "timestamptz '2026-01-02 08:00:00+07'";

/// One unit with its id.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Id (1-based position).
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: &'static str,
    /// Parent id.
    pub parent: Option<i64>,
    /// Staff profile.
    pub profile: Profile,
    /// Whether staff work in shifts.
    pub shifts: bool,
    /// Staff count at full scale.
    staff: u32,
}

/// One ASN with its id.
#[derive(Debug, Clone)]
pub struct Member {
    /// Id (1-based position).
    pub id: i64,
    /// The person.
    pub person: Person,
    /// Unit id.
    pub unit: i64,
    /// Supervisor id.
    pub supervisor: Option<i64>,
    /// Length of the supervisor chain above.
    pub depth: usize,
}

/// The whole directory.
#[derive(Debug, Default)]
pub struct Directory {
    /// Units, parents first.
    pub units: Vec<Unit>,
    /// ASN, supervisors first.
    pub asn: Vec<Member>,
    /// Unit id → head id.
    pub heads: Vec<(i64, i64)>,
    /// Role grants: ASN id, role, unit id.
    pub roles: Vec<(i64, &'static str, Option<i64>)>,
}

impl Directory {
    fn unit(
        &mut self,
        code: String,
        name: String,
        kind: &'static str,
        parent: i64,
        from: (Profile, bool, u32),
    ) -> i64 {
        let id = i64::try_from(self.units.len()).unwrap_or(0) + 1;
        self.units.push(Unit {
            id,
            code,
            name,
            kind,
            parent: (parent > 0).then_some(parent),
            profile: from.0,
            shifts: from.1,
            staff: from.2,
        });
        id
    }

    fn add(&mut self, person: Person, unit: i64, supervisor: Option<i64>) -> i64 {
        let id = i64::try_from(self.asn.len()).unwrap_or(0) + 1;
        let depth = supervisor
            .and_then(|s| self.asn.get(usize::try_from(s - 1).ok()?))
            .map_or(0, |s| s.depth + 1);
        self.asn.push(Member {
            id,
            person,
            unit,
            supervisor,
            depth,
        });
        id
    }

    /// The id of the unit with `code`.
    pub fn unit_id(&self, code: &str) -> Option<i64> {
        self.units.iter().find(|u| u.code == code).map(|u| u.id)
    }

    /// The id of the ASN with `nip`.
    pub fn asn_id(&self, nip: &str) -> Option<i64> {
        self.asn.iter().find(|a| a.person.nip == nip).map(|a| a.id)
    }
}

/// Lays out the unit tree of the city.
fn units(plan: &CityPlan) -> Directory {
    let mut d = Directory::default();
    let office = (Profile::Office, false, 0);
    let root = d.unit(
        "DUMAI".into(),
        "Pemerintah Kota Dumai".into(),
        "PEMERINTAH_DAERAH",
        0,
        office,
    );
    for opd in OPDS {
        let own = (
            opd.profile,
            false,
            if opd.profile == Profile::Audit { 3 } else { 1 },
        );
        let top = d.unit(opd.code.into(), opd.name.into(), opd.kind, root, own);
        if opd.sekretariat {
            let sek = d.unit(
                format!("{}.SEKRETARIAT", opd.code),
                format!("Sekretariat {}", opd.name),
                "BAGIAN",
                top,
                (Profile::Office, false, 2),
            );
            for (suffix, name) in [
                ("UMUM", "Subbagian Umum dan Kepegawaian"),
                ("KEUANGAN", "Subbagian Keuangan dan Perencanaan"),
            ] {
                d.unit(
                    format!("{}.SEKRETARIAT.{suffix}", opd.code),
                    name.into(),
                    "SUBBAGIAN",
                    sek,
                    (Profile::Office, false, 7),
                );
            }
        }
        for (suffix, kind, name) in opd.parts {
            let staff = match (opd.profile, *kind) {
                (_, "BAGIAN") => 10,
                (Profile::Health, _) => 95,
                (Profile::Field, _) => 36,
                _ => 11,
            };
            d.unit(
                format!("{}.{suffix}", opd.code),
                (*name).into(),
                kind,
                top,
                (opd.profile, opd.shifts, staff),
            );
        }
        if opd.code == "DINKES" {
            for (suffix, name) in PUSKESMAS {
                d.unit(
                    format!("DINKES.{suffix}"),
                    (*name).into(),
                    "PUSKESMAS",
                    top,
                    (Profile::Health, false, 48),
                );
            }
        }
        if opd.code == "DISDIKBUD" {
            let mut numbers = vec![0_u32; KECAMATAN.len()];
            for i in 0..plan.primary_schools {
                let k = i % KECAMATAN.len();
                numbers[k] += 1;
                let (kec_code, kec_name, _) = KECAMATAN[k];
                let area = kec_code.trim_start_matches("KEC-");
                d.unit(
                    format!("DISDIKBUD.SDN-{:03}-{area}", numbers[k]),
                    format!("SD Negeri {:03} {kec_name}", numbers[k]),
                    "SEKOLAH",
                    top,
                    (Profile::School, false, 16),
                );
            }
            for i in 1..=plan.secondary_schools {
                d.unit(
                    format!("DISDIKBUD.SMPN-{i:02}"),
                    format!("SMP Negeri {i} Dumai"),
                    "SEKOLAH",
                    top,
                    (Profile::School, false, 27),
                );
            }
        }
    }
    for (code, name, kelurahan) in KECAMATAN {
        let region = (Profile::Region, false, 1);
        let top = d.unit(
            (*code).into(),
            format!("Kecamatan {name}"),
            "KECAMATAN",
            root,
            region,
        );
        d.unit(
            format!("{code}.SEKRETARIAT"),
            format!("Sekretariat Kecamatan {name}"),
            "BAGIAN",
            top,
            (Profile::Region, false, 5),
        );
        for (suffix, seksi) in KECAMATAN_SEKSI {
            d.unit(
                format!("{code}.{suffix}"),
                (*seksi).into(),
                "SEKSI",
                top,
                (Profile::Region, false, 5),
            );
        }
        for (kel_code, kel_name) in *kelurahan {
            d.unit(
                format!("{code}.{kel_code}"),
                format!("Kelurahan {kel_name}"),
                "KELURAHAN",
                top,
                (Profile::Region, false, 11),
            );
        }
    }
    d
}

/// The head's level and title for a unit.
fn head_post(unit: &Unit, parent: Option<&Unit>) -> (Level, String) {
    let place = |prefix: &str| unit.name.trim_start_matches(prefix).to_owned();
    match unit.kind {
        "SEKRETARIAT_DAERAH" => (Level::Jpt, "Sekretaris Daerah Kota Dumai".into()),
        "SEKRETARIAT_DPRD" => (Level::Jpt, "Sekretaris DPRD Kota Dumai".into()),
        "INSPEKTORAT" => (Level::Jpt, "Inspektur Daerah Kota Dumai".into()),
        "RSUD" => (Level::Jpt, format!("Direktur {}", unit.name)),
        "DINAS" | "BADAN" | "SATPOL_PP" => (Level::Jpt, format!("Kepala {}", unit.name)),
        "KECAMATAN" => (
            Level::Administrator,
            format!("Camat {}", place("Kecamatan ")),
        ),
        "BAGIAN" if unit.code.ends_with(".SEKRETARIAT") => {
            let of = parent.map_or(String::new(), |p| p.name.clone());
            (Level::Administrator, format!("Sekretaris {of}"))
        }
        "BIDANG" if unit.name.starts_with("Inspektur") => (Level::Administrator, unit.name.clone()),
        "BAGIAN" | "BIDANG" => (Level::Administrator, format!("Kepala {}", unit.name)),
        "KELURAHAN" => (Level::Pengawas, format!("Lurah {}", place("Kelurahan "))),
        "PUSKESMAS" => (Level::Pengawas, format!("Kepala UPT {}", unit.name)),
        "SEKOLAH" => (Level::AhliMadya, "Guru Ahli Madya (Kepala Sekolah)".into()),
        _ => (Level::Pengawas, format!("Kepala {}", unit.name)),
    }
}

/// A persona's row from the demo data, as a [`Person`].
fn persona(nip: &str) -> AppResult<Person> {
    let row = demo_data::ASN
        .iter()
        .find(|row| row.nip == nip)
        .ok_or_else(|| AppError::internal("city seed: persona missing from the demo data"))?;
    Ok(Person {
        nip: row.nip.into(),
        name: row.name.into(),
        gender: if row.gender == "MALE" {
            "MALE"
        } else {
            "FEMALE"
        },
        employment_type: match row.employment_type {
            "PNS" => "PNS",
            "PPPK" => "PPPK",
            _ => "PPPK_PARUH_WAKTU",
        },
        grade: row.grade.into(),
        position: row.position.into(),
        position_kind: match row.position_kind {
            "JPT" => "JPT",
            "ADMINISTRATOR" => "ADMINISTRATOR",
            "PENGAWAS" => "PENGAWAS",
            "FUNGSIONAL" => "FUNGSIONAL",
            _ => "PELAKSANA",
        },
    })
}

/// Builds the directory for `plan` and `seed`: units, ASN with supervisors, heads and roles.
pub fn build(plan: &CityPlan, seed: u64) -> AppResult<Directory> {
    let mut d = units(plan);
    // Personas who lead a unit, and personas on a unit's staff (with or without a supervisor).
    let persona_heads = [
        ("BKPSDM", personas::ADMIN),
        ("DINKES", personas::KEPALA_DINKES),
        ("DINKES.PKM-DUMAI-KOTA", personas::KEPALA_PUSKESMAS),
        ("DINKES.SEKRETARIAT.UMUM", KASUBBAG_UMUM_DINKES),
    ];
    let persona_staff = [
        ("DINKES.PKM-DUMAI-KOTA", personas::PERAWAT, true),
        ("INSPEKTORAT", personas::AUDITOR, false),
        ("BAPPEDA.LITBANG", personas::ANALIS, false),
        ("DISDIKBUD.SDN-001-DUMAI-KOTA", personas::GURU, false),
    ];
    let reserved: Vec<&str> = persona_heads
        .iter()
        .map(|p| p.1)
        .chain(persona_staff.iter().map(|p| p.1))
        .collect();
    let mut people = People::new(seed, plan.as_of, &reserved);
    let mut head_of: HashMap<i64, i64> = HashMap::new();
    let units = d.units.clone();
    for unit in &units {
        if unit.parent.is_none() {
            continue;
        }
        let parent = unit
            .parent
            .and_then(|p| units.get(usize::try_from(p - 1).ok()?));
        let supervisor = unit.parent.and_then(|p| head_of.get(&p).copied());
        let head = match persona_heads.iter().find(|p| p.0 == unit.code) {
            Some((_, nip)) => persona(nip)?,
            None => {
                let (level, title) = head_post(unit, parent);
                people.head(level, title, unit.profile)?
            }
        };
        let head_id = d.add(head, unit.id, supervisor);
        head_of.insert(unit.id, head_id);
        d.heads.push((unit.id, head_id));
        for (code, nip, supervised) in persona_staff {
            if code == unit.code {
                let person = persona(nip)?;
                d.add(person, unit.id, supervised.then_some(head_id));
            }
        }
        let staff = (unit.staff * plan.staff_percent).div_ceil(100);
        for _ in 0..staff {
            let person = people.staff(unit.profile)?;
            d.add(person, unit.id, Some(head_id));
        }
    }
    let admin = d
        .asn_id(personas::ADMIN)
        .ok_or_else(|| AppError::internal("city seed: no admin"))?;
    d.roles.push((admin, "ADMIN", None));
    if let Some(analyst) = d.asn_id(personas::ANALIS) {
        d.roles.push((analyst, "ANALYST", None));
    }
    let inspectorate = d.unit_id("INSPEKTORAT").unwrap_or(0);
    let auditors: Vec<i64> = d
        .asn
        .iter()
        .filter(|a| {
            a.person.position.starts_with("Auditor")
                && d.units
                    .get(usize::try_from(a.unit - 1).unwrap_or(0))
                    .is_some_and(|u| u.id == inspectorate || u.parent == Some(inspectorate))
        })
        .map(|a| a.id)
        .take(6)
        .collect();
    for id in auditors {
        d.roles.push((id, "INSPECTOR", None));
    }
    for opd in OPDS.iter().filter(|o| o.sekretariat) {
        let (Some(scope), Some(subbag)) = (
            d.unit_id(opd.code),
            d.unit_id(&format!("{}.SEKRETARIAT.UMUM", opd.code)),
        ) else {
            continue;
        };
        if let Some(head) = head_of.get(&subbag) {
            d.roles.push((*head, "UNIT_ADMIN", Some(scope)));
        }
    }
    Ok(d)
}

/// Writes the directory: units and ASN level by level, then heads and roles.
pub async fn insert(conn: &mut AsyncPgConnection, d: &Directory) -> AppResult<()> {
    let mut depth_of: HashMap<i64, usize> = HashMap::new();
    for unit in &d.units {
        let depth = unit
            .parent
            .map_or(0, |p| depth_of.get(&p).copied().unwrap_or(0) + 1);
        depth_of.insert(unit.id, depth);
    }
    let max_unit_depth = depth_of.values().copied().max().unwrap_or(0);
    for level in 0..=max_unit_depth {
        let rows: Vec<&Unit> = d
            .units
            .iter()
            .filter(|u| depth_of.get(&u.id) == Some(&level))
            .collect();
        diesel::sql_query(format!(
            "INSERT INTO units (id, code, name, kind, parent_id, created_at, updated_at)
             OVERRIDING SYSTEM VALUE
             SELECT id, code, name, kind, parent, {CREATED}, {CREATED}
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[])
                  AS t(id, code, name, kind, parent) ORDER BY id"
        ))
        .bind::<Array<BigInt>, _>(rows.iter().map(|u| u.id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(rows.iter().map(|u| u.code.clone()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(rows.iter().map(|u| u.name.clone()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(rows.iter().map(|u| u.kind.to_owned()).collect::<Vec<_>>())
        .bind::<Array<Nullable<BigInt>>, _>(rows.iter().map(|u| u.parent).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    }
    let max_depth = d.asn.iter().map(|a| a.depth).max().unwrap_or(0);
    for level in 0..=max_depth {
        let rows: Vec<&Member> = d.asn.iter().filter(|a| a.depth == level).collect();
        let text = |f: &dyn Fn(&Member) -> String| rows.iter().map(|a| f(a)).collect::<Vec<_>>();
        diesel::sql_query(format!(
            "INSERT INTO asn (id, nip, name, gender, employment_type, grade, position, position_kind,
                              unit_id, supervisor_id, created_at, updated_at)
             OVERRIDING SYSTEM VALUE
             SELECT id, nip, name, gender, et, grade, position, pk, unit, sup, {CREATED}, {CREATED}
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::bigint[], $10::bigint[])
                  AS t(id, nip, name, gender, et, grade, position, pk, unit, sup) ORDER BY id"
        ))
        .bind::<Array<BigInt>, _>(rows.iter().map(|a| a.id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(text(&|a| a.person.nip.clone()))
        .bind::<Array<Text>, _>(text(&|a| a.person.name.clone()))
        .bind::<Array<Text>, _>(text(&|a| a.person.gender.to_owned()))
        .bind::<Array<Text>, _>(text(&|a| a.person.employment_type.to_owned()))
        .bind::<Array<Text>, _>(text(&|a| a.person.grade.clone()))
        .bind::<Array<Text>, _>(text(&|a| a.person.position.clone()))
        .bind::<Array<Text>, _>(text(&|a| a.person.position_kind.to_owned()))
        .bind::<Array<BigInt>, _>(rows.iter().map(|a| a.unit).collect::<Vec<_>>())
        .bind::<Array<Nullable<BigInt>>, _>(rows.iter().map(|a| a.supervisor).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    }
    diesel::sql_query(format!(
        "UPDATE units SET head_id = t.head, updated_at = {CREATED} + interval '1 minute'
         FROM unnest($1::bigint[], $2::bigint[]) AS t(unit, head)
         WHERE units.id = t.unit"
    ))
    .bind::<Array<BigInt>, _>(d.heads.iter().map(|h| h.0).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(d.heads.iter().map(|h| h.1).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    let admin = d.roles.iter().map(|r| r.0).next().unwrap_or(0);
    diesel::sql_query(format!(
        "INSERT INTO role_grants (id, asn_id, role, unit_id, granted_by, granted_at)
         OVERRIDING SYSTEM VALUE
         SELECT n, asn, role, unit, NULLIF($4, asn), {CREATED}
         FROM unnest($1::bigint[], $2::text[], $3::bigint[]) WITH ORDINALITY AS t(asn, role, unit, n)"
    ))
    .bind::<Array<BigInt>, _>(d.roles.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(d.roles.iter().map(|r| r.1.to_owned()).collect::<Vec<_>>())
    .bind::<Array<Nullable<BigInt>>, _>(d.roles.iter().map(|r| r.2).collect::<Vec<_>>())
    .bind::<BigInt, _>(admin)
    .execute(conn)
    .await?;
    Ok(())
}
