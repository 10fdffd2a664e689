//! Data sets: `seed demo` loads a small, deterministic slice of Pemerintah Kota Dumai with
//! the personas of the README; it is idempotent (a second run changes nothing). `seed city`
//! ([`city`]) generates the whole city.

pub mod city;
pub mod demo_data;
pub mod dialog;
pub mod reviews;
pub mod work;

use std::collections::HashMap;
use std::fmt;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};

use crate::asn::grade::Grade;
use crate::asn::model::NewAsn;
use crate::asn::nip;
use crate::auth::Role;
use crate::db::Db;
use crate::db::schema::{asn, role_grants, units};
use crate::db::text_enum::from_name;
use crate::error::{AppError, AppResult};
use crate::ids::{AsnId, UnitId};
use crate::units::model::NewUnit;

/// What a seed run made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Units inserted.
    pub units: usize,
    /// ASN inserted.
    pub asn: usize,
    /// Role grants inserted.
    pub roles: usize,
    /// Evaluations written (through the API).
    pub evaluations: usize,
    /// Activities written (through the API).
    pub activities: usize,
    /// Feedback entries written (through the API).
    pub feedback: usize,
    /// Supervision visits recorded (through the API).
    pub visits: usize,
    /// Whether the data set was already present (nothing inserted).
    pub already_present: bool,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_present {
            return write!(f, "demo data already present; nothing to do");
        }
        write!(
            f,
            "seeded {} units, {} ASN, {} role grants, {} activities, {} evaluations, {} feedback \
             entries, {} supervision visits",
            self.units,
            self.asn,
            self.roles,
            self.activities,
            self.evaluations,
            self.feedback,
            self.visits
        )
    }
}

fn enum_value<T: async_graphql::resolver_utils::EnumType + Copy>(
    name: &str,
    what: &str,
) -> AppResult<T> {
    from_name(name).ok_or_else(|| AppError::internal(format!("demo data: unknown {what} {name}")))
}

/// Loads the demo data set: the directory in one transaction, then the review records through
/// the API with dates relative to `anchor` (normally now).
pub async fn demo(db: &Db, anchor: chrono::DateTime<chrono::Utc>) -> AppResult<SeedReport> {
    let mut report = directory(db, anchor).await?;
    if report.already_present {
        return Ok(report);
    }
    let actor = reviews::Actor::new(db.pool().clone(), anchor);
    let perawat_target = work::targets(&actor, anchor).await?;
    let staff = reviews::activity_staff(&actor, anchor).await?;
    report.activities = work::activities(&actor, anchor, &staff, &perawat_target).await?;
    report.evaluations = reviews::evaluations(&actor, anchor).await?;
    report.feedback = dialog::feedback(&actor, anchor).await?;
    let colleague = staff
        .iter()
        .map(|(nip, _)| nip.as_str())
        .find(|nip| *nip != demo_data::personas::PERAWAT)
        .ok_or_else(|| AppError::internal("demo data: no colleague of the perawat"))?;
    report.visits = dialog::visit(&actor, anchor, colleague).await?;
    Ok(report)
}

/// Loads the directory (units, ASN, roles) as of `at` in one transaction; does nothing if it is
/// there.
pub async fn directory(db: &Db, at: chrono::DateTime<chrono::Utc>) -> AppResult<SeedReport> {
    let mut conn = db.conn().await?;
    let root_code = demo_data::UNITS
        .first()
        .map(|unit| unit.code)
        .ok_or_else(|| AppError::internal("demo data has no units"))?;
    let present: i64 = units::table
        .filter(units::code.eq(root_code))
        .count()
        .get_result(&mut conn)
        .await?;
    if present > 0 {
        return Ok(SeedReport {
            already_present: true,
            ..SeedReport::default()
        });
    }
    let today = at.with_timezone(&crate::clock::wib()).date_naive();
    conn.transaction::<_, AppError, _>(async |conn| {
        let mut report = SeedReport::default();
        let mut unit_ids: HashMap<&str, UnitId> = HashMap::new();
        for row in demo_data::UNITS {
            let parent_id = row
                .parent
                .map(|code| {
                    unit_ids.get(code).copied().ok_or_else(|| {
                        AppError::internal(format!("demo data: unknown unit {code}"))
                    })
                })
                .transpose()?;
            let id: UnitId = diesel::insert_into(units::table)
                .values((
                    NewUnit {
                        code: row.code,
                        name: row.name,
                        kind: enum_value(row.kind, "unit kind")?,
                        parent_id,
                    },
                    units::created_at.eq(at),
                    units::updated_at.eq(at),
                ))
                .returning(units::id)
                .get_result(conn)
                .await?;
            unit_ids.insert(row.code, id);
            report.units += 1;
        }
        let unit = |code: &str| {
            unit_ids
                .get(code)
                .copied()
                .ok_or_else(|| AppError::internal(format!("demo data: unknown unit {code}")))
        };
        let mut asn_ids: HashMap<&str, AsnId> = HashMap::new();
        for row in demo_data::ASN {
            let gender = enum_value(row.gender, "gender")?;
            let employment_type = enum_value(row.employment_type, "employment type")?;
            nip::validate(row.nip, employment_type, gender, today)?;
            if !Grade::parse(row.grade).is_some_and(|g| g.fits(employment_type)) {
                return Err(AppError::internal(format!(
                    "demo data: grade {} does not fit",
                    row.grade
                )));
            }
            let supervisor_id = row
                .supervisor
                .map(|nip| {
                    asn_ids.get(nip).copied().ok_or_else(|| {
                        AppError::internal("demo data: supervisor listed after report")
                    })
                })
                .transpose()?;
            let id: AsnId = diesel::insert_into(asn::table)
                .values((
                    NewAsn {
                        nip: row.nip,
                        name: row.name,
                        gender,
                        employment_type,
                        grade: row.grade,
                        position: row.position,
                        position_kind: enum_value(row.position_kind, "position kind")?,
                        unit_id: unit(row.unit)?,
                        supervisor_id,
                    },
                    asn::created_at.eq(at),
                    asn::updated_at.eq(at),
                ))
                .returning(asn::id)
                .get_result(conn)
                .await?;
            if let Some(code) = row.heads {
                diesel::update(units::table.filter(units::id.eq(unit(code)?)))
                    .set((units::head_id.eq(id), units::updated_at.eq(at)))
                    .execute(conn)
                    .await?;
            }
            asn_ids.insert(row.nip, id);
            report.asn += 1;
        }
        for row in demo_data::ROLES {
            let role: Role = enum_value(row.role, "role")?;
            let asn_id = asn_ids
                .get(row.nip)
                .copied()
                .ok_or_else(|| AppError::internal("demo data: role for unknown ASN"))?;
            diesel::insert_into(role_grants::table)
                .values((
                    role_grants::asn_id.eq(asn_id),
                    role_grants::role.eq(role),
                    role_grants::unit_id.eq(row.unit.map(unit).transpose()?),
                    role_grants::granted_at.eq(at),
                ))
                .execute(conn)
                .await?;
            report.roles += 1;
        }
        Ok(report)
    })
    .await
}
