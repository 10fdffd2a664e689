DROP INDEX persisted_queries_registered_by;

ALTER TABLE persisted_queries
    DROP COLUMN registered_by,
    ALTER COLUMN created_at SET DEFAULT now();
