//! Who may read the aggregates of a unit (dashboards: `performanceSummary`, `performanceTrend`,
//! `evaluatorCalibration`, `distributionCheck`), and which records they count.
//!
//! - ADMIN and ANALYST read the aggregates of every unit over all its records: ANALYST is the
//!   role entitled to figures it may not read record by record (DESIGN §1).
//! - A UNIT_ADMIN of the unit or a unit above it reads them over all records too; those are
//!   exactly the records of the subtree, which it may read anyway.
//! - The head of the unit or of a unit above it, and everyone above such a head in the
//!   supervisor chain, read them over the records they may read one by one.
//! - An INSPECTOR reads them for the units (and sub-units) of the visits they made, over the
//!   records they may read one by one (evaluations and activities, not appeals).
//! - Everyone else is refused (FORBIDDEN).
//!
//! So an aggregate never counts a record its reader could not open, except for the readers
//! entitled to aggregates. Of those, ADMIN and the UNIT_ADMIN may open every counted record
//! anyway; the others (the ANALYST) get figures that withhold small groups
//! ([`hides_small_groups`], applied by `crate::analytics::suppression`).

use super::sql::SqlScope;
use super::{RecordKind, Role, Viewer};

/// What the rule needs to know about the unit whose aggregates are asked for.
#[derive(Debug, Clone, Copy)]
pub struct UnitFacts<'a> {
    /// Materialised path of the unit.
    pub path: &'a str,
    /// Supervisor-chain paths of the heads of the unit and of every unit above it.
    pub head_supervisor_paths: &'a [String],
}

/// Which records an aggregate may count for a viewer.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateCoverage {
    /// Every record of the unit (ADMIN, ANALYST, UNIT_ADMIN at or above the unit).
    AllRecords,
    /// Only the records the viewer may read one by one (heads and the supervisor chain above
    /// them, inspectors of visited units); the figures may leave records out.
    ReadableRecords,
}

/// The coverage of `viewer` on the aggregates of `unit`; None when they may not read them.
pub fn aggregate_coverage(viewer: &Viewer, unit: UnitFacts<'_>) -> Option<AggregateCoverage> {
    if viewer.has_role(Role::Admin) || viewer.has_role(Role::Analyst) {
        return Some(AggregateCoverage::AllRecords);
    }
    if administers(viewer, unit) {
        return Some(AggregateCoverage::AllRecords);
    }
    let leads = unit
        .head_supervisor_paths
        .iter()
        .any(|head| head.starts_with(&viewer.supervisor_path));
    let inspected = viewer.has_role(Role::Inspector)
        && viewer
            .inspected_unit_paths
            .iter()
            .any(|visited| unit.path.starts_with(visited.as_str()));
    (leads || inspected).then_some(AggregateCoverage::ReadableRecords)
}

/// Whether `viewer` is a UNIT_ADMIN of `unit` or of a unit above it.
fn administers(viewer: &Viewer, unit: UnitFacts<'_>) -> bool {
    viewer.grants.iter().any(|grant| {
        grant.role == Role::UnitAdmin
            && grant
                .unit_path
                .as_deref()
                .is_some_and(|prefix| unit.path.starts_with(prefix))
    })
}

/// Whether the aggregates of `unit` must withhold the figures of small groups from `viewer`:
/// they count every record ([`AggregateCoverage::AllRecords`]) but the viewer may not open
/// each of them — anyone with full coverage but neither ADMIN nor a UNIT_ADMIN of the unit or
/// above it, i.e. the ANALYST. Viewers with [`AggregateCoverage::ReadableRecords`] see figures
/// of records they may open one by one, so nothing is withheld from them.
pub fn hides_small_groups(viewer: &Viewer, unit: UnitFacts<'_>) -> bool {
    aggregate_coverage(viewer, unit) == Some(AggregateCoverage::AllRecords)
        && !viewer.has_role(Role::Admin)
        && !administers(viewer, unit)
}

impl SqlScope {
    /// The scope an aggregate of `coverage` counts records of `kind` in: everyone for
    /// [`AggregateCoverage::AllRecords`], else the viewer's own read scope.
    pub fn for_aggregate(viewer: &Viewer, kind: RecordKind, coverage: AggregateCoverage) -> Self {
        let mut scope = Self::of(viewer, kind);
        if coverage == AggregateCoverage::AllRecords {
            scope.all = true;
        }
        scope
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;
    use crate::ids::{AsnId, UnitId};

    fn viewer(path: &str, roles: &[(Role, Option<&str>)]) -> Viewer {
        Viewer {
            asn_id: AsnId(3),
            unit_id: UnitId(1),
            supervisor_path: path.to_owned(),
            grants: roles
                .iter()
                .map(|(role, unit)| Grant {
                    role: *role,
                    unit_id: unit.map(|_| UnitId(9)),
                    unit_path: unit.map(str::to_owned),
                })
                .collect(),
            inspected_unit_paths: vec!["/1/7/".to_owned()],
        }
    }

    fn unit<'a>(path: &'a str, heads: &'a [String]) -> UnitFacts<'a> {
        UnitFacts {
            path,
            head_supervisor_paths: heads,
        }
    }

    fn paths(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn admins_and_analysts_read_every_unit_over_all_records() {
        let heads = paths(&["/20/21/"]);
        for role in [Role::Admin, Role::Analyst] {
            let v = viewer("/50/", &[(role, None)]);
            assert_eq!(
                aggregate_coverage(&v, unit("/1/4/", &heads)),
                Some(AggregateCoverage::AllRecords)
            );
        }
    }

    #[test]
    fn unit_admins_read_their_subtree_only() {
        let v = viewer("/50/", &[(Role::UnitAdmin, Some("/1/4/"))]);
        let all = Some(AggregateCoverage::AllRecords);
        assert_eq!(aggregate_coverage(&v, unit("/1/4/", &[])), all);
        assert_eq!(aggregate_coverage(&v, unit("/1/4/8/", &[])), all);
        assert_eq!(aggregate_coverage(&v, unit("/1/", &[])), None);
        assert_eq!(aggregate_coverage(&v, unit("/1/44/", &[])), None);
    }

    #[test]
    fn heads_and_the_chain_above_them_read_over_readable_records() {
        let readable = Some(AggregateCoverage::ReadableRecords);
        let v = viewer("/1/3/", &[]);
        let cases = [
            (paths(&["/1/3/"]), readable, "the head"),
            (paths(&["/1/3/9/"]), readable, "above the head"),
            (paths(&["/1/3/", "/8/"]), readable, "head of a unit above"),
            (paths(&["/1/"]), None, "below the head"),
            (paths(&["/1/33/"]), None, "id prefix is not a path prefix"),
            (Vec::new(), None, "no head anywhere above"),
        ];
        for (heads, expected, case) in cases {
            assert_eq!(
                aggregate_coverage(&v, unit("/2/5/", &heads)),
                expected,
                "{case}"
            );
        }
    }

    #[test]
    fn inspectors_read_the_units_they_visited() {
        let v = viewer("/60/", &[(Role::Inspector, None)]);
        let readable = Some(AggregateCoverage::ReadableRecords);
        assert_eq!(aggregate_coverage(&v, unit("/1/7/", &[])), readable);
        assert_eq!(aggregate_coverage(&v, unit("/1/7/12/", &[])), readable);
        assert_eq!(aggregate_coverage(&v, unit("/1/", &[])), None);
        let not_inspector = viewer("/60/", &[]);
        assert_eq!(aggregate_coverage(&not_inspector, unit("/1/7/", &[])), None);
    }

    #[test]
    fn only_viewers_who_may_not_open_the_counted_records_lose_small_groups() {
        let heads = paths(&["/1/4/"]);
        let on = |v: &Viewer, path| hides_small_groups(v, unit(path, &heads));
        let analyst = viewer("/50/", &[(Role::Analyst, None)]);
        assert!(on(&analyst, "/1/4/"));
        let admin = viewer("/50/", &[(Role::Admin, None), (Role::Analyst, None)]);
        assert!(!on(&admin, "/1/4/"));
        let unit_admin = viewer(
            "/50/",
            &[(Role::Analyst, None), (Role::UnitAdmin, Some("/1/4/"))],
        );
        assert!(!on(&unit_admin, "/1/4/8/"), "their subtree");
        assert!(on(&unit_admin, "/1/5/"), "elsewhere, as an analyst");
        let head = viewer("/1/4/", &[]);
        assert!(!on(&head, "/1/4/"), "readable records only");
        let stranger = viewer("/9/", &[]);
        assert!(!on(&stranger, "/1/4/"), "no aggregates at all");
    }

    #[test]
    fn an_aggregate_scope_widens_only_for_full_coverage() {
        let v = viewer("/1/3/", &[]);
        let all = SqlScope::for_aggregate(&v, RecordKind::Personal, AggregateCoverage::AllRecords);
        assert!(all.all);
        let own =
            SqlScope::for_aggregate(&v, RecordKind::Personal, AggregateCoverage::ReadableRecords);
        assert_eq!(own, SqlScope::of(&v, RecordKind::Personal));
        assert!(!own.all);
    }
}
