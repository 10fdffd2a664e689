//! Unit tests of the read and write rules.

mod read_rules {
    use super::super::*;
    use crate::auth::Grant;

    fn viewer(path: &str, grants: Vec<Grant>) -> Viewer {
        Viewer {
            asn_id: AsnId(3),
            unit_id: UnitId(1),
            supervisor_path: path.to_owned(),
            grants,
            inspected_unit_paths: Vec::new(),
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
    fn only_a_limited_scope_becomes_an_id_condition_in_sql() {
        let admin = viewer("/50/", vec![grant(Role::Admin, None)]);
        assert!(readable_asn_ids(&admin, RecordKind::Personal).is_none());
        assert!(readable_asn_ids(&admin, RecordKind::Inspectable).is_none());
        let unit_admin = viewer("/50/", vec![grant(Role::UnitAdmin, Some("/1/9/"))]);
        assert!(readable_asn_ids(&unit_admin, RecordKind::Personal).is_some());
        let analyst = viewer("/50/", vec![grant(Role::Analyst, None)]);
        assert!(readable_asn_ids(&analyst, RecordKind::Inspectable).is_some());
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

mod write_rules {
    use super::super::*;
    use crate::auth::Grant;

    fn viewer(id: i64, path: &str, unit: i64, roles: &[Role]) -> Viewer {
        Viewer {
            asn_id: AsnId(id),
            unit_id: UnitId(unit),
            supervisor_path: path.to_owned(),
            grants: roles
                .iter()
                .map(|role| Grant {
                    role: *role,
                    unit_id: None,
                    unit_path: None,
                })
                .collect(),
            inspected_unit_paths: vec!["/1/5/".to_owned()],
        }
    }

    fn person(id: i64, supervisor: Option<i64>, path: &'static str, unit: i64) -> Person<'static> {
        Person {
            id: AsnId(id),
            supervisor_id: supervisor.map(AsnId),
            supervisor_path: path,
            unit_id: UnitId(unit),
        }
    }

    #[test]
    fn only_the_direct_supervisor_evaluates() {
        let boss = viewer(3, "/1/3/", 1, &[]);
        assert!(is_direct_supervisor(
            &boss,
            person(7, Some(3), "/1/3/7/", 2)
        ));
        assert!(
            !is_direct_supervisor(&boss, person(9, Some(7), "/1/3/7/9/", 2)),
            "two levels down"
        );
        assert!(
            !is_direct_supervisor(&boss, person(3, Some(1), "/1/3/", 1)),
            "self"
        );
    }

    #[test]
    fn appeals_go_to_the_atasan_or_an_admin() {
        let atasan = viewer(1, "/1/", 1, &[]);
        let admin = viewer(50, "/50/", 9, &[Role::Admin]);
        let evaluator = person(3, Some(1), "/1/3/", 1);
        assert!(may_decide_appeal(&atasan, evaluator));
        assert!(
            !may_decide_appeal(&admin, evaluator),
            "admin only without an atasan"
        );
        let top = person(1, None, "/1/", 1);
        assert!(may_decide_appeal(&admin, top));
        assert!(!may_decide_appeal(&atasan, top));
    }

    #[test]
    fn drafts_are_hidden_from_the_evaluated_asn_only() {
        let nurse = viewer(7, "/1/3/7/", 2, &[]);
        let own = Subject {
            supervisor_path: "/1/3/7/",
            unit_path: "/1/2/",
        };
        assert!(!can_read_evaluation(&nurse, own, AsnId(7), AsnId(3), true));
        assert!(can_read_evaluation(&nurse, own, AsnId(7), AsnId(3), false));
        let boss = viewer(3, "/1/3/", 2, &[]);
        assert!(can_read_evaluation(&boss, own, AsnId(7), AsnId(3), true));
        let former = viewer(9, "/9/", 5, &[]);
        assert!(
            can_read_evaluation(&former, own, AsnId(7), AsnId(9), false),
            "the evaluator"
        );
        assert!(!can_read_evaluation(
            &former,
            own,
            AsnId(7),
            AsnId(3),
            false
        ));
    }

    #[test]
    fn feedback_from_above_peers_and_self() {
        let me = viewer(3, "/1/3/", 4, &[]);
        assert!(
            may_give_feedback(&me, person(3, Some(1), "/1/3/", 4)),
            "self"
        );
        assert!(
            may_give_feedback(&me, person(9, Some(7), "/1/3/7/9/", 8)),
            "below, any level"
        );
        assert!(
            may_give_feedback(&me, person(5, Some(1), "/1/5/", 4)),
            "peer in the unit"
        );
        assert!(
            !may_give_feedback(&me, person(1, None, "/1/", 2)),
            "own supervisor elsewhere"
        );
        assert!(
            !may_give_feedback(&me, person(6, Some(1), "/1/6/", 2)),
            "stranger"
        );
    }

    #[test]
    fn targets_are_read_by_the_personal_scope_and_by_direct_reports() {
        // The viewer 7 reports to 3, who reports to 1.
        let report = viewer(7, "/1/3/7/", 2, &[]);
        let boss = Subject {
            supervisor_path: "/1/3/",
            unit_path: "/1/5/",
        };
        assert!(can_read_targets(&report, boss), "own supervisor");
        assert!(!can_read_personal(&report, boss), "but no other records");
        let top = Subject {
            supervisor_path: "/1/",
            unit_path: "/1/",
        };
        assert!(!can_read_targets(&report, top), "supervisor's supervisor");
        let peer = Subject {
            supervisor_path: "/1/3/8/",
            unit_path: "/1/5/",
        };
        assert!(
            !can_read_targets(&report, peer),
            "peer under the same supervisor"
        );
        let own = Subject {
            supervisor_path: "/1/3/7/",
            unit_path: "/1/5/",
        };
        assert!(can_read_targets(&report, own), "self");
        let lookalike = viewer(7, "/1/33/7/", 2, &[]);
        assert!(
            !can_read_targets(&lookalike, boss),
            "id prefix is not a path step"
        );
        let grandchild = viewer(7, "/1/3/9/7/", 2, &[]);
        assert!(!can_read_targets(&grandchild, boss), "two levels down");
        assert!(can_read_targets(
            &viewer(1, "/1/", 1, &[]),
            Subject {
                supervisor_path: "/1/3/7/",
                unit_path: "/1/5/"
            }
        ));
        assert!(!can_read_targets(
            &viewer(40, "/40/", 9, &[Role::Inspector]),
            boss
        ));
        assert!(can_read_targets(
            &viewer(50, "/50/", 9, &[Role::Admin]),
            boss
        ));
        assert_eq!(viewer_supervisor_id(&report), Some(AsnId(3)));
        assert_eq!(viewer_supervisor_id(&viewer(1, "/1/", 1, &[])), None);
        assert!(is_owner(&report, AsnId(7)));
        assert!(!is_owner(&report, AsnId(3)));
    }

    #[test]
    fn inspectors_read_inspectable_records_of_visited_units_only() {
        let inspector = viewer(40, "/40/", 9, &[Role::Inspector]);
        let visited = Subject {
            supervisor_path: "/2/",
            unit_path: "/1/5/8/",
        };
        assert!(can_read(&inspector, visited, RecordKind::Inspectable));
        assert!(!can_read(&inspector, visited, RecordKind::Personal));
        let elsewhere = Subject {
            supervisor_path: "/2/",
            unit_path: "/1/6/",
        };
        assert!(!can_read(&inspector, elsewhere, RecordKind::Inspectable));
        assert!(may_record_visit(&inspector));
        assert!(!may_record_visit(&viewer(3, "/3/", 1, &[Role::Admin])));
    }
}
