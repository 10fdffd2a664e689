// @generated automatically by Diesel CLI.

diesel::table! {
    activities (id) {
        id -> Int8,
        asn_id -> Int8,
        activity_date -> Date,
        start_time -> Time,
        end_time -> Time,
        minutes -> Int4,
        description -> Text,
        output_quantity -> Nullable<Int4>,
        output_unit -> Nullable<Text>,
        evidence_url -> Nullable<Text>,
        target_id -> Nullable<Int8>,
        status -> Text,
        reviewed_by -> Nullable<Int8>,
        reviewed_at -> Nullable<Timestamptz>,
        review_note -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    appeals (id) {
        id -> Int8,
        evaluation_id -> Int8,
        appellant_id -> Int8,
        reason -> Text,
        status -> Text,
        filed_at -> Timestamptz,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamptz>,
        decision_note -> Nullable<Text>,
        original_work_result_rating -> Text,
        original_behaviour_rating -> Text,
        new_work_result_rating -> Nullable<Text>,
        new_behaviour_rating -> Nullable<Text>,
    }
}

diesel::table! {
    asn (id) {
        id -> Int8,
        nip -> Text,
        name -> Text,
        gender -> Text,
        employment_type -> Text,
        grade -> Text,
        position -> Text,
        position_kind -> Text,
        unit_id -> Int8,
        supervisor_id -> Nullable<Int8>,
        supervisor_path -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        actor_id -> Nullable<Int8>,
        subject_asn_id -> Nullable<Int8>,
        entity_type -> Text,
        entity_id -> Int8,
        action -> Text,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    evaluation_behaviour_notes (evaluation_id, core_value) {
        evaluation_id -> Int8,
        core_value -> Text,
        note -> Text,
    }
}

diesel::table! {
    evaluations (id) {
        id -> Int8,
        asn_id -> Int8,
        evaluator_id -> Int8,
        period_year -> Int4,
        period_kind -> Text,
        period_number -> Int4,
        work_result_rating -> Nullable<Text>,
        behaviour_rating -> Nullable<Text>,
        predikat -> Nullable<Text>,
        summary -> Nullable<Text>,
        status -> Text,
        published_at -> Nullable<Timestamptz>,
        finalized_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        kind -> Text,
        entity_id -> Int8,
        payload -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    feedback (id) {
        id -> Int8,
        author_id -> Int8,
        recipient_id -> Int8,
        evaluation_id -> Nullable<Int8>,
        parent_id -> Nullable<Int8>,
        kind -> Text,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    observations (id) {
        id -> Int8,
        visit_id -> Int8,
        asn_id -> Int8,
        finding -> Text,
        rating -> Text,
        evidence_url -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    performance_targets (id) {
        id -> Int8,
        asn_id -> Int8,
        year -> Int4,
        title -> Text,
        kind -> Text,
        parent_target_id -> Nullable<Int8>,
        status -> Text,
        agreed_by -> Nullable<Int8>,
        agreed_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    persisted_queries (sha256) {
        sha256 -> Text,
        query -> Text,
        created_at -> Timestamptz,
        registered_by -> Nullable<Int8>,
    }
}

diesel::table! {
    role_grants (id) {
        id -> Int8,
        asn_id -> Int8,
        role -> Text,
        unit_id -> Nullable<Int8>,
        granted_by -> Nullable<Int8>,
        granted_at -> Timestamptz,
    }
}

diesel::table! {
    supervision_visit_members (visit_id, asn_id) {
        visit_id -> Int8,
        asn_id -> Int8,
    }
}

diesel::table! {
    supervision_visits (id) {
        id -> Int8,
        unit_id -> Int8,
        visited_on -> Date,
        summary -> Text,
        recorded_by -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    target_indicators (id) {
        id -> Int8,
        target_id -> Int8,
        aspect -> Text,
        description -> Text,
        target_value -> Float8,
        unit_of_measure -> Text,
    }
}

diesel::table! {
    units (id) {
        id -> Int8,
        code -> Text,
        name -> Text,
        kind -> Text,
        parent_id -> Nullable<Int8>,
        head_id -> Nullable<Int8>,
        path -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(activities -> performance_targets (target_id));
diesel::joinable!(appeals -> evaluations (evaluation_id));
diesel::joinable!(evaluation_behaviour_notes -> evaluations (evaluation_id));
diesel::joinable!(feedback -> evaluations (evaluation_id));
diesel::joinable!(observations -> asn (asn_id));
diesel::joinable!(observations -> supervision_visits (visit_id));
diesel::joinable!(persisted_queries -> asn (registered_by));
diesel::joinable!(role_grants -> units (unit_id));
diesel::joinable!(supervision_visit_members -> asn (asn_id));
diesel::joinable!(supervision_visit_members -> supervision_visits (visit_id));
diesel::joinable!(supervision_visits -> asn (recorded_by));
diesel::joinable!(supervision_visits -> units (unit_id));
diesel::joinable!(target_indicators -> performance_targets (target_id));

diesel::allow_tables_to_appear_in_same_query!(
    activities,
    appeals,
    asn,
    audit_log,
    evaluation_behaviour_notes,
    evaluations,
    events,
    feedback,
    observations,
    performance_targets,
    persisted_queries,
    role_grants,
    supervision_visit_members,
    supervision_visits,
    target_indicators,
    units,
);
