-- Automatic persisted queries (Apollo APQ): a document registered by its SHA-256 once, then
-- sent by hash alone. Shared by every instance, so a hash registered on one works on all.
CREATE TABLE persisted_queries (
    sha256 TEXT PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    query TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
