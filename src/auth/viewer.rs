//! The authenticated caller, loaded once per request.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::Conn;
use crate::db::schema::{asn, role_grants, supervision_visit_members, supervision_visits, units};
use crate::error::{AppError, AppResult};
use crate::ids::{AsnId, UnitId};

/// Roles granted in the database (a token never carries roles).
#[derive(
    async_graphql::Enum,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Role {
    /// Member of the independent evaluation team; records supervision visits.
    Inspector,
    /// Administrator of one unit subtree.
    UnitAdmin,
    /// City-wide administrator (BKPSDM).
    Admin,
    /// Reads dashboards, aggregates and non-personal fields only.
    Analyst,
}
crate::db_text_enum!(Role);

/// A role grant with, for UNIT_ADMIN, the unit subtree it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The unit of a UNIT_ADMIN grant.
    pub unit_id: Option<UnitId>,
    /// Materialised path of that unit.
    pub unit_path: Option<String>,
}

/// The caller of a request: an active ASN and their roles.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The ASN named by the token.
    pub asn_id: AsnId,
    /// Their unit.
    pub unit_id: UnitId,
    /// Their supervisor-chain path (ends with their own id).
    pub supervisor_path: String,
    /// Their role grants.
    pub grants: Vec<Grant>,
    /// For an INSPECTOR, the paths of the units their supervision visits covered.
    pub inspected_unit_paths: Vec<String>,
}

impl Viewer {
    /// Whether the viewer holds `role` (for UNIT_ADMIN: over any unit).
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|grant| grant.role == role)
    }
}

/// One row of the viewer query: the ASN and, per grant, the role and its unit.
type ViewerRow = (
    AsnId,
    UnitId,
    String,
    Option<Role>,
    Option<UnitId>,
    Option<String>,
);

/// Loads the viewer for the NIP of a verified token in one statement (two for an INSPECTOR,
/// whose visited units are loaded too). A NIP that names no active ASN is `UNAUTHENTICATED`.
pub async fn load_viewer(conn: &mut Conn, nip: &str) -> AppResult<Viewer> {
    let rows: Vec<ViewerRow> = asn::table
        .left_join(role_grants::table.on(role_grants::asn_id.eq(asn::id)))
        .left_join(units::table.on(units::id.nullable().eq(role_grants::unit_id)))
        .filter(asn::nip.eq(nip))
        .filter(asn::active.eq(true))
        .select((
            asn::id,
            asn::unit_id,
            asn::supervisor_path,
            role_grants::role.nullable(),
            role_grants::unit_id.nullable(),
            units::path.nullable(),
        ))
        .load(conn)
        .await?;
    let Some((asn_id, unit_id, supervisor_path, ..)) = <[_]>::first(&rows).cloned() else {
        return Err(AppError::unauthenticated(
            "the token's subject is not an active ASN",
        ));
    };
    let grants = rows
        .into_iter()
        .filter_map(|(.., role, grant_unit, unit_path)| {
            role.map(|role| Grant {
                role,
                unit_id: grant_unit,
                unit_path,
            })
        })
        .collect();
    let mut viewer = Viewer {
        asn_id,
        unit_id,
        supervisor_path,
        grants,
        inspected_unit_paths: Vec::new(),
    };
    if viewer.has_role(Role::Inspector) {
        viewer.inspected_unit_paths = supervision_visits::table
            .inner_join(supervision_visit_members::table)
            .inner_join(units::table)
            .filter(supervision_visit_members::asn_id.eq(asn_id))
            .select(units::path)
            .distinct()
            .load(conn)
            .await?;
    }
    Ok(viewer)
}
