-- The organisation: units (a tree), ASN (with a supervisor tree) and role grants.
--
-- Both trees keep a materialised path maintained by triggers, so "a unit and all
-- its sub-units" and "everyone below an ASN in the supervisor chain" are single
-- indexed prefix scans, and cycles are rejected by the database itself.

CREATE TABLE units (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,63}$'),
    name       TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind       TEXT NOT NULL CHECK (kind IN (
                   'PEMERINTAH_DAERAH', 'SEKRETARIAT_DAERAH', 'SEKRETARIAT_DPRD', 'INSPEKTORAT',
                   'DINAS', 'BADAN', 'RSUD', 'SATPOL_PP', 'KECAMATAN', 'KELURAHAN', 'BIDANG',
                   'BAGIAN', 'SUBBAGIAN', 'SEKSI', 'UPT', 'PUSKESMAS', 'SEKOLAH')),
    parent_id  BIGINT REFERENCES units (id),
    head_id    BIGINT,
    path       TEXT NOT NULL DEFAULT '' COLLATE "C",
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (parent_id IS DISTINCT FROM id)
);
COMMENT ON TABLE units IS 'Unit kerja: the Pemerintah Daerah, its perangkat daerah and their sub-units.';
COMMENT ON COLUMN units.path IS 'Materialised path of ids from the root, e.g. /1/4/9/; maintained by trigger.';
COMMENT ON COLUMN units.head_id IS 'The ASN who leads the unit.';
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path text_pattern_ops);
CREATE INDEX units_kind_idx ON units (kind);

CREATE TABLE asn (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nip             TEXT NOT NULL UNIQUE CHECK (nip ~ '^[0-9]{18}$'),
    name            TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    gender          TEXT NOT NULL CHECK (gender IN ('MALE', 'FEMALE')),
    employment_type TEXT NOT NULL CHECK (employment_type IN ('PNS', 'PPPK', 'PPPK_PARUH_WAKTU')),
    grade           TEXT NOT NULL,
    position        TEXT NOT NULL CHECK (length(btrim(position)) BETWEEN 1 AND 200),
    position_kind   TEXT NOT NULL CHECK (position_kind IN ('JPT', 'ADMINISTRATOR', 'PENGAWAS', 'FUNGSIONAL', 'PELAKSANA')),
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    supervisor_id   BIGINT REFERENCES asn (id),
    supervisor_path TEXT NOT NULL DEFAULT '' COLLATE "C",
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (supervisor_id IS DISTINCT FROM id),
    -- PNS hold golongan/ruang I/a..IV/e; PPPK hold golongan I..XVII.
    CHECK (
        (employment_type = 'PNS' AND grade ~ '^(I/[a-d]|II/[a-d]|III/[a-d]|IV/[a-e])$')
        OR (employment_type <> 'PNS' AND grade IN ('I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII',
            'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII'))
    )
);
COMMENT ON TABLE asn IS 'Aparatur Sipil Negara (PNS and PPPK) with position, grade and direct supervisor.';
COMMENT ON COLUMN asn.supervisor_path IS 'Ids of the supervisor chain from the top down to this ASN itself, e.g. /1/3/7/; maintained by trigger.';
CREATE INDEX asn_unit_idx ON asn (unit_id);
CREATE INDEX asn_supervisor_idx ON asn (supervisor_id);
CREATE INDEX asn_supervisor_path_idx ON asn (supervisor_path text_pattern_ops);
CREATE INDEX asn_name_idx ON asn (lower(name), id);

ALTER TABLE units ADD CONSTRAINT units_head_fk FOREIGN KEY (head_id) REFERENCES asn (id)
    DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX units_head_idx ON units (head_id);

CREATE TABLE role_grants (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asn_id     BIGINT NOT NULL REFERENCES asn (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('INSPECTOR', 'UNIT_ADMIN', 'ADMIN', 'ANALYST')),
    unit_id    BIGINT REFERENCES units (id),
    granted_by BIGINT REFERENCES asn (id),
    granted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- UNIT_ADMIN is scoped to a unit subtree; the other roles are city-wide.
    CHECK ((role = 'UNIT_ADMIN') = (unit_id IS NOT NULL))
);
COMMENT ON TABLE role_grants IS 'Roles granted by an ADMIN; a token only names the ASN.';
CREATE UNIQUE INDEX role_grants_unique_idx ON role_grants (asn_id, role, COALESCE(unit_id, 0));

-- Path maintenance. A row's path is its parent's path followed by its own id.
-- Moving a row rewrites the paths of its whole subtree in the same statement's
-- transaction; a parent inside the row's own subtree would be a cycle.
CREATE FUNCTION units_maintain_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_path TEXT := '/';
    new_path TEXT;
BEGIN
    IF NEW.parent_id IS NOT NULL THEN
        SELECT path INTO parent_path FROM units WHERE id = NEW.parent_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'parent unit % does not exist', NEW.parent_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND parent_path LIKE OLD.path || '%' THEN
            RAISE EXCEPTION 'unit % cannot be placed under its own sub-unit %', NEW.id, NEW.parent_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'units_no_cycle';
        END IF;
    END IF;
    new_path := parent_path || NEW.id || '/';
    IF TG_OP = 'UPDATE' AND OLD.path <> new_path THEN
        UPDATE units SET path = new_path || substr(path, length(OLD.path) + 1)
         WHERE path LIKE OLD.path || '%' AND id <> NEW.id;
    END IF;
    NEW.path := new_path;
    RETURN NEW;
END $$;
CREATE TRIGGER units_path BEFORE INSERT OR UPDATE OF parent_id ON units
    FOR EACH ROW EXECUTE FUNCTION units_maintain_path();

CREATE FUNCTION asn_maintain_supervisor_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_path TEXT := '/';
    new_path TEXT;
BEGIN
    IF NEW.supervisor_id IS NOT NULL THEN
        SELECT supervisor_path INTO parent_path FROM asn WHERE id = NEW.supervisor_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'supervisor % does not exist', NEW.supervisor_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND parent_path LIKE OLD.supervisor_path || '%' THEN
            RAISE EXCEPTION 'ASN % cannot be supervised by their own subordinate %', NEW.id, NEW.supervisor_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'asn_no_supervisor_cycle';
        END IF;
    END IF;
    new_path := parent_path || NEW.id || '/';
    IF TG_OP = 'UPDATE' AND OLD.supervisor_path <> new_path THEN
        UPDATE asn SET supervisor_path = new_path || substr(supervisor_path, length(OLD.supervisor_path) + 1)
         WHERE supervisor_path LIKE OLD.supervisor_path || '%' AND id <> NEW.id;
    END IF;
    NEW.supervisor_path := new_path;
    RETURN NEW;
END $$;
CREATE TRIGGER asn_supervisor_path BEFORE INSERT OR UPDATE OF supervisor_id ON asn
    FOR EACH ROW EXECUTE FUNCTION asn_maintain_supervisor_path();

SELECT diesel_manage_updated_at('units');
SELECT diesel_manage_updated_at('asn');
