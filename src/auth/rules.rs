//! Who may read and change what: the one place these rules live.
//!
//! DESIGN §1 "Who may do what":
//! - the directory (unit tree; ASN name, NIP, position, grade, unit, supervisor) is readable by
//!   every authenticated caller;
//! - personal records of an ASN (activities, evaluations, observations, feedback, appeals, and
//!   their role grants) are readable by the ASN themself, everyone above them in the supervisor
//!   chain, a UNIT_ADMIN of a unit at or above theirs, and ADMIN; ANALYST gets aggregates only;
//! - roles are granted by ADMIN.
//!
//! Each rule exists twice, in the same file: as a predicate over one record (for `node(id)` and
//! nested fields) and as a SQL filter (for connections, counts and aggregates), so a list can
//! never show what a direct read would refuse.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::{Role, Viewer};
use crate::db::schema::{asn, units};

/// Whose record something is: the facts the visibility rules need.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Supervisor-chain path of the ASN the record is about (ends with their own id).
    pub supervisor_path: &'a str,
    /// Materialised path of that ASN's unit.
    pub unit_path: &'a str,
}

/// Every authenticated caller may read the directory.
pub fn can_read_directory(_viewer: &Viewer) -> bool {
    true
}

/// Whether `viewer` may read the personal records of `subject`.
pub fn can_read_personal(viewer: &Viewer, subject: Subject<'_>) -> bool {
    match personal_scope(viewer) {
        PersonalScope::All => true,
        PersonalScope::Limited {
            chain_prefix,
            unit_prefixes,
        } => {
            subject.supervisor_path.starts_with(&chain_prefix)
                || unit_prefixes
                    .iter()
                    .any(|prefix| subject.unit_path.starts_with(prefix.as_str()))
        }
    }
}

/// Whether `viewer` may grant and revoke roles.
pub fn can_manage_roles(viewer: &Viewer) -> bool {
    viewer.has_role(Role::Admin)
}

/// The set of ASN whose personal records a viewer may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonalScope {
    /// Everyone (ADMIN).
    All,
    /// The viewer, everyone below them in the supervisor chain, and everyone in the unit
    /// subtrees the viewer administers.
    Limited {
        /// Supervisor paths starting with this belong to the viewer or their subordinates.
        chain_prefix: String,
        /// Unit paths starting with any of these are administered by the viewer.
        unit_prefixes: Vec<String>,
    },
}

/// The viewer's personal-record scope.
pub fn personal_scope(viewer: &Viewer) -> PersonalScope {
    if viewer.has_role(Role::Admin) {
        return PersonalScope::All;
    }
    PersonalScope::Limited {
        chain_prefix: viewer.supervisor_path.clone(),
        unit_prefixes: viewer
            .grants
            .iter()
            .filter(|grant| grant.role == Role::UnitAdmin)
            .filter_map(|grant| grant.unit_path.clone())
            .collect(),
    }
}

/// The SQL form of [`can_read_personal`], over `asn` joined to its `units`.
pub type AsnUnitFilter = Box<dyn BoxableExpression<asn::table, Pg, SqlType = Bool>>;

/// A filter on `asn` rows keeping those whose personal records `viewer` may read. The unit
/// condition is a sub-select, so the filter composes with any query over `asn`.
pub fn personal_filter(viewer: &Viewer) -> AsnUnitFilter {
    match personal_scope(viewer) {
        PersonalScope::All => Box::new(diesel::dsl::sql::<Bool>("TRUE")),
        PersonalScope::Limited {
            chain_prefix,
            unit_prefixes,
        } => {
            let mut filter: AsnUnitFilter =
                Box::new(asn::supervisor_path.like(format!("{chain_prefix}%")));
            for prefix in unit_prefixes {
                let administered = units::table
                    .filter(units::path.like(format!("{prefix}%")))
                    .select(units::id);
                filter = Box::new(filter.or(asn::unit_id.eq_any(administered)));
            }
            filter
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;
    use crate::ids::{AsnId, UnitId};

    fn viewer(path: &str, grants: Vec<Grant>) -> Viewer {
        Viewer {
            asn_id: AsnId(3),
            unit_id: UnitId(1),
            supervisor_path: path.to_owned(),
            grants,
        }
    }

    fn grant(role: Role, unit_path: Option<&str>) -> Grant {
        Grant {
            role,
            unit_id: unit_path.map(|_| UnitId(9)),
            unit_path: unit_path.map(str::to_owned),
        }
    }

    fn subject<'a>(supervisor_path: &'a str, unit_path: &'a str) -> Subject<'a> {
        Subject {
            supervisor_path,
            unit_path,
        }
    }

    #[test]
    fn the_asn_and_everyone_above_read_personal_records() {
        let me = viewer("/1/3/", vec![]);
        assert!(can_read_personal(&me, subject("/1/3/", "/1/")), "self");
        assert!(
            can_read_personal(&me, subject("/1/3/7/", "/1/")),
            "direct report"
        );
        assert!(
            can_read_personal(&me, subject("/1/3/7/12/", "/1/")),
            "two levels down"
        );
        assert!(
            !can_read_personal(&me, subject("/1/", "/1/")),
            "own supervisor"
        );
        assert!(!can_read_personal(&me, subject("/1/4/", "/1/")), "peer");
        assert!(
            !can_read_personal(&me, subject("/1/33/", "/1/")),
            "id prefix is not a path prefix"
        );
    }

    #[test]
    fn unit_admins_read_their_subtree_and_admins_everything() {
        let unit_admin = viewer("/50/", vec![grant(Role::UnitAdmin, Some("/1/9/"))]);
        assert!(can_read_personal(&unit_admin, subject("/2/", "/1/9/")));
        assert!(can_read_personal(&unit_admin, subject("/2/", "/1/9/14/")));
        assert!(!can_read_personal(&unit_admin, subject("/2/", "/1/")));
        assert!(!can_read_personal(&unit_admin, subject("/2/", "/1/90/")));

        let admin = viewer("/50/", vec![grant(Role::Admin, None)]);
        assert!(can_read_personal(&admin, subject("/2/", "/7/")));
        assert!(can_manage_roles(&admin));
        assert!(!can_manage_roles(&unit_admin));
    }

    #[test]
    fn analysts_and_inspectors_get_no_personal_access_from_their_role() {
        for role in [Role::Analyst, Role::Inspector] {
            let v = viewer("/50/", vec![grant(role, None)]);
            assert!(!can_read_personal(&v, subject("/2/", "/1/")), "{role:?}");
            assert!(can_read_directory(&v));
        }
    }
}
