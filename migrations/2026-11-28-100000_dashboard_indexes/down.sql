CREATE INDEX activities_asn_date_idx ON activities (asn_id, activity_date);
DROP INDEX activities_asn_date_minutes_idx;
