-- evaluations_by_predikat.graphql as one statement: $1 the unit's row id, $2 the year.
WITH sel AS (
  SELECT e.* FROM evaluations e
  WHERE e.period_year = $2 AND e.period_kind = 'QUARTERLY'
    AND e.predikat IN ('BUTUH_PERBAIKAN', 'KURANG', 'SANGAT_KURANG')
    AND e.asn_id IN (SELECT a.id FROM asn a WHERE a.unit_id IN (
      SELECT d.id FROM units d JOIN units r ON d.path LIKE r.path || '%' WHERE r.id = $1)))
SELECT json_build_object(
  'total', (SELECT count(*) FROM sel),
  'rows', (SELECT json_agg(x) FROM (
    SELECT s.period_number, s.predikat, s.status, a.nip, a.name, u.code, ev.nip AS evaluator_nip,
           ev.name AS evaluator_name
    FROM sel s JOIN asn a ON a.id = s.asn_id JOIN units u ON u.id = a.unit_id
    LEFT JOIN asn ev ON ev.id = s.evaluator_id
    ORDER BY s.period_year DESC, s.period_kind DESC, s.period_number DESC, s.id DESC
    LIMIT 100) x))::text AS json
