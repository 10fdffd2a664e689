-- Who registered each persisted query, so that one caller's documents can be held to a quota,
-- and registration times that come from the application's clock (no default to fall back on).
ALTER TABLE persisted_queries
    ADD COLUMN registered_by BIGINT REFERENCES asn (id) ON DELETE CASCADE,
    ALTER COLUMN created_at DROP DEFAULT;

CREATE INDEX persisted_queries_registered_by ON persisted_queries (registered_by, created_at);

COMMENT ON COLUMN persisted_queries.registered_by IS
    'The ASN whose request registered the document; their documents share one quota of bytes.';
