-- The review records: targets (RHK), daily activities, evaluations, supervision
-- visits, feedback, appeals, plus the audit trail and the event outbox.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE performance_targets (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asn_id           BIGINT NOT NULL REFERENCES asn (id),
    year             INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title            TEXT NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 500),
    kind             TEXT NOT NULL CHECK (kind IN ('UTAMA', 'TAMBAHAN')),
    parent_target_id BIGINT REFERENCES performance_targets (id),
    status           TEXT NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'AGREED')),
    agreed_by        BIGINT REFERENCES asn (id),
    agreed_at        TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status = 'AGREED') = (agreed_at IS NOT NULL AND agreed_by IS NOT NULL))
);
COMMENT ON TABLE performance_targets IS 'Rencana Hasil Kerja (RHK) of a yearly SKP; parent_target_id is the supervisor''s RHK it intervenes on.';
CREATE INDEX performance_targets_asn_year_idx ON performance_targets (asn_id, year);
CREATE INDEX performance_targets_parent_idx ON performance_targets (parent_target_id);

CREATE TABLE target_indicators (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target_id    BIGINT NOT NULL REFERENCES performance_targets (id) ON DELETE CASCADE,
    aspect       TEXT NOT NULL CHECK (aspect IN ('KUANTITAS', 'KUALITAS', 'WAKTU')),
    description  TEXT NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    target_value DOUBLE PRECISION NOT NULL CHECK (target_value >= 0),
    unit_of_measure TEXT NOT NULL CHECK (length(btrim(unit_of_measure)) BETWEEN 1 AND 50)
);
COMMENT ON TABLE target_indicators IS 'Indikator Kinerja Individu (IKI) of an RHK.';
CREATE INDEX target_indicators_target_idx ON target_indicators (target_id);

CREATE TABLE activities (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asn_id          BIGINT NOT NULL REFERENCES asn (id),
    activity_date   DATE NOT NULL,
    start_time      TIME NOT NULL,
    end_time        TIME NOT NULL,
    minutes         INTEGER NOT NULL GENERATED ALWAYS AS
                        ((EXTRACT(EPOCH FROM (end_time - start_time)) / 60)::INTEGER) STORED,
    description     TEXT NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 2000),
    output_quantity INTEGER CHECK (output_quantity >= 0),
    output_unit     TEXT CHECK (length(output_unit) <= 50),
    evidence_url    TEXT CHECK (length(evidence_url) <= 2000),
    target_id       BIGINT REFERENCES performance_targets (id),
    status          TEXT NOT NULL DEFAULT 'SUBMITTED'
                        CHECK (status IN ('SUBMITTED', 'APPROVED', 'REVISION_REQUESTED', 'REJECTED')),
    reviewed_by     BIGINT REFERENCES asn (id),
    reviewed_at     TIMESTAMPTZ,
    review_note     TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (end_time > start_time),
    CHECK ((status = 'SUBMITTED') = (reviewed_at IS NULL)),
    -- Intervals of one ASN on one day never overlap (rejected entries do not count).
    EXCLUDE USING gist (
        asn_id WITH =,
        tsrange(activity_date + start_time, activity_date + end_time) WITH &&
    ) WHERE (status <> 'REJECTED')
);
COMMENT ON TABLE activities IS 'Laporan aktivitas harian (the e-Kinerja log), reviewed by the direct supervisor.';
CREATE INDEX activities_asn_date_idx ON activities (asn_id, activity_date);
CREATE INDEX activities_date_idx ON activities (activity_date);
CREATE INDEX activities_target_idx ON activities (target_id);

CREATE TABLE evaluations (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asn_id             BIGINT NOT NULL REFERENCES asn (id),
    evaluator_id       BIGINT NOT NULL REFERENCES asn (id),
    period_year        INTEGER NOT NULL CHECK (period_year BETWEEN 2000 AND 2100),
    period_kind        TEXT NOT NULL CHECK (period_kind IN ('QUARTERLY', 'ANNUAL', 'MONTHLY')),
    period_number      INTEGER NOT NULL,
    work_result_rating TEXT CHECK (work_result_rating IN ('DI_ATAS_EKSPEKTASI', 'SESUAI_EKSPEKTASI', 'DI_BAWAH_EKSPEKTASI')),
    behaviour_rating   TEXT CHECK (behaviour_rating IN ('DI_ATAS_EKSPEKTASI', 'SESUAI_EKSPEKTASI', 'DI_BAWAH_EKSPEKTASI')),
    predikat           TEXT CHECK (predikat IN ('SANGAT_BAIK', 'BAIK', 'BUTUH_PERBAIKAN', 'KURANG', 'SANGAT_KURANG')),
    summary            TEXT CHECK (length(summary) <= 5000),
    status             TEXT NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'PUBLISHED', 'APPEALED', 'FINAL')),
    published_at       TIMESTAMPTZ,
    finalized_at       TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (asn_id, period_year, period_kind, period_number),
    CHECK (evaluator_id <> asn_id),
    CHECK (
        (period_kind = 'ANNUAL' AND period_number = 1)
        OR (period_kind = 'QUARTERLY' AND period_number BETWEEN 1 AND 4)
        OR (period_kind = 'MONTHLY' AND period_number BETWEEN 1 AND 12)
    ),
    -- The predikat exists exactly when both ratings do.
    CHECK ((predikat IS NOT NULL) = (work_result_rating IS NOT NULL AND behaviour_rating IS NOT NULL)),
    CHECK (status = 'DRAFT' OR (predikat IS NOT NULL AND published_at IS NOT NULL)),
    CHECK ((status = 'FINAL') = (finalized_at IS NOT NULL))
);
COMMENT ON TABLE evaluations IS 'Penilaian kinerja of one ASN for one period by the pejabat penilai.';
CREATE INDEX evaluations_evaluator_idx ON evaluations (evaluator_id);
CREATE INDEX evaluations_period_idx ON evaluations (period_year, period_kind, period_number, predikat);

CREATE TABLE evaluation_behaviour_notes (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    core_value    TEXT NOT NULL CHECK (core_value IN ('BERORIENTASI_PELAYANAN', 'AKUNTABEL', 'KOMPETEN',
                      'HARMONIS', 'LOYAL', 'ADAPTIF', 'KOLABORATIF')),
    note          TEXT NOT NULL CHECK (length(btrim(note)) BETWEEN 1 AND 2000),
    PRIMARY KEY (evaluation_id, core_value)
);
COMMENT ON TABLE evaluation_behaviour_notes IS 'Notes per BerAKHLAK core value on an evaluation.';

CREATE TABLE supervision_visits (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    visited_on  DATE NOT NULL,
    summary     TEXT NOT NULL CHECK (length(btrim(summary)) BETWEEN 1 AND 5000),
    recorded_by BIGINT NOT NULL REFERENCES asn (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE supervision_visits IS 'Pengawasan: a visit of the independent team to a unit.';
CREATE INDEX supervision_visits_unit_idx ON supervision_visits (unit_id, visited_on);

CREATE TABLE supervision_visit_members (
    visit_id BIGINT NOT NULL REFERENCES supervision_visits (id) ON DELETE CASCADE,
    asn_id   BIGINT NOT NULL REFERENCES asn (id),
    PRIMARY KEY (visit_id, asn_id)
);
COMMENT ON TABLE supervision_visit_members IS 'The inspectors who made a visit.';
CREATE INDEX supervision_visit_members_asn_idx ON supervision_visit_members (asn_id);

CREATE TABLE observations (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visit_id     BIGINT NOT NULL REFERENCES supervision_visits (id) ON DELETE CASCADE,
    asn_id       BIGINT NOT NULL REFERENCES asn (id),
    finding      TEXT NOT NULL CHECK (length(btrim(finding)) BETWEEN 1 AND 5000),
    rating       TEXT NOT NULL CHECK (rating IN ('DI_ATAS_EKSPEKTASI', 'SESUAI_EKSPEKTASI', 'DI_BAWAH_EKSPEKTASI')),
    evidence_url TEXT CHECK (length(evidence_url) <= 2000),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE observations IS 'A direct observation of one ASN during a supervision visit.';
CREATE INDEX observations_visit_idx ON observations (visit_id);
CREATE INDEX observations_asn_idx ON observations (asn_id);

CREATE TABLE feedback (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id     BIGINT NOT NULL REFERENCES asn (id),
    recipient_id  BIGINT NOT NULL REFERENCES asn (id),
    evaluation_id BIGINT REFERENCES evaluations (id),
    parent_id     BIGINT REFERENCES feedback (id),
    kind          TEXT NOT NULL CHECK (kind IN ('APPRECIATION', 'CONSTRUCTIVE', 'COACHING', 'QUESTION', 'ANSWER')),
    body          TEXT NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE feedback IS 'Umpan balik berkelanjutan and the dialog kinerja on an evaluation.';
CREATE INDEX feedback_recipient_idx ON feedback (recipient_id, created_at);
CREATE INDEX feedback_author_idx ON feedback (author_id, created_at);
CREATE INDEX feedback_evaluation_idx ON feedback (evaluation_id);
CREATE INDEX feedback_parent_idx ON feedback (parent_id);

CREATE TABLE appeals (
    id                          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id               BIGINT NOT NULL REFERENCES evaluations (id),
    appellant_id                BIGINT NOT NULL REFERENCES asn (id),
    reason                      TEXT NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 5000),
    status                      TEXT NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'REJECTED', 'REVISED')),
    filed_at                    TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_by                  BIGINT REFERENCES asn (id),
    decided_at                  TIMESTAMPTZ,
    decision_note               TEXT,
    original_work_result_rating TEXT NOT NULL,
    original_behaviour_rating   TEXT NOT NULL,
    new_work_result_rating      TEXT CHECK (new_work_result_rating IN ('DI_ATAS_EKSPEKTASI', 'SESUAI_EKSPEKTASI', 'DI_BAWAH_EKSPEKTASI')),
    new_behaviour_rating        TEXT CHECK (new_behaviour_rating IN ('DI_ATAS_EKSPEKTASI', 'SESUAI_EKSPEKTASI', 'DI_BAWAH_EKSPEKTASI')),
    CHECK ((status = 'OPEN') = (decided_at IS NULL)),
    CHECK (status = 'OPEN' OR (decided_by IS NOT NULL AND decision_note IS NOT NULL)),
    CHECK ((status = 'REVISED') = (new_work_result_rating IS NOT NULL AND new_behaviour_rating IS NOT NULL))
);
COMMENT ON TABLE appeals IS 'Keberatan (PP 30/2019 Pasal 59) on a published evaluation, decided by the atasan pejabat penilai.';
CREATE UNIQUE INDEX appeals_one_open_idx ON appeals (evaluation_id) WHERE status = 'OPEN';
CREATE INDEX appeals_evaluation_idx ON appeals (evaluation_id);
CREATE INDEX appeals_decided_by_idx ON appeals (decided_by);

CREATE TABLE audit_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id       BIGINT REFERENCES asn (id),
    subject_asn_id BIGINT REFERENCES asn (id),
    entity_type    TEXT NOT NULL,
    entity_id      BIGINT NOT NULL,
    action         TEXT NOT NULL,
    before         JSONB,
    after          JSONB,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE audit_log IS 'Every change of a rating, status or decision: who, when, before and after.';
CREATE INDEX audit_log_subject_idx ON audit_log (subject_asn_id, id);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id);

CREATE TABLE events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('FEEDBACK_ADDED', 'ACTIVITY_REVIEWED', 'EVALUATION_PUBLISHED',
                   'APPEAL_FILED', 'APPEAL_DECIDED')),
    entity_id  BIGINT NOT NULL,
    payload    JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE events IS 'Outbox of review events, announced with NOTIFY at commit and replayed by id.';
CREATE INDEX events_created_idx ON events (created_at);

-- NOTIFY inside a transaction is delivered at commit, and never after a rollback.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kinerja_events', NEW.id::TEXT);
    RETURN NEW;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_notify();

SELECT diesel_manage_updated_at('performance_targets');
SELECT diesel_manage_updated_at('activities');
SELECT diesel_manage_updated_at('evaluations');
