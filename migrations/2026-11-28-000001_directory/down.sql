DROP TABLE role_grants;
ALTER TABLE units DROP CONSTRAINT units_head_fk;
DROP TABLE asn;
DROP TABLE units;
DROP FUNCTION asn_maintain_supervisor_path();
DROP FUNCTION units_maintain_path();
