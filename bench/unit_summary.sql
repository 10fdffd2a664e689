-- unit_summary.graphql as one statement: $1 the unit's row id, $2 the year (third quarter).
WITH members AS (
  SELECT m.id, m.active FROM asn m
  WHERE m.unit_id IN (SELECT d.id FROM units d JOIN units r ON d.path LIKE r.path || '%' WHERE r.id = $1)),
ev AS (
  SELECT
    count(*) FILTER (WHERE e.status <> 'DRAFT' AND e.predikat = 'SANGAT_BAIK') AS sangat_baik,
    count(*) FILTER (WHERE e.status <> 'DRAFT' AND e.predikat = 'BAIK') AS baik,
    count(*) FILTER (WHERE e.status <> 'DRAFT' AND e.predikat = 'BUTUH_PERBAIKAN') AS butuh_perbaikan,
    count(*) FILTER (WHERE e.status <> 'DRAFT' AND e.predikat = 'KURANG') AS kurang,
    count(*) FILTER (WHERE e.status <> 'DRAFT' AND e.predikat = 'SANGAT_KURANG') AS sangat_kurang,
    count(*) FILTER (WHERE e.status = 'DRAFT') AS draft,
    count(*) FILTER (WHERE e.status = 'PUBLISHED') AS published,
    count(*) FILTER (WHERE e.status = 'APPEALED') AS appealed,
    count(*) FILTER (WHERE e.status = 'FINAL') AS final
  FROM evaluations e
  WHERE e.period_year = $2 AND e.period_kind = 'QUARTERLY' AND e.period_number = 3
    AND e.asn_id IN (SELECT id FROM members)),
act AS (
  SELECT
    COALESCE(sum(ac.minutes) FILTER (WHERE ac.status = 'APPROVED'), 0) AS approved,
    COALESCE(sum(ac.minutes) FILTER (WHERE ac.status = 'SUBMITTED'), 0) AS pending,
    COALESCE(sum(ac.minutes) FILTER (WHERE ac.status = 'REVISION_REQUESTED'), 0) AS revision,
    COALESCE(sum(ac.minutes) FILTER (WHERE ac.status = 'REJECTED'), 0) AS rejected
  FROM activities ac
  WHERE ac.activity_date BETWEEN make_date($2, 7, 1) AND make_date($2, 9, 30)
    AND ac.asn_id IN (SELECT id FROM members)),
ap AS (
  SELECT count(*) AS filed,
    count(*) FILTER (WHERE a.status = 'OPEN') AS open,
    count(*) FILTER (WHERE a.status = 'REVISED') AS revised,
    count(*) FILTER (WHERE a.status = 'REJECTED') AS rejected_appeals
  FROM evaluations e JOIN appeals a ON a.evaluation_id = e.id
  WHERE e.period_year = $2 AND e.period_kind = 'QUARTERLY' AND e.period_number = 3
    AND e.asn_id IN (SELECT id FROM members)),
staff AS (SELECT count(*) AS staff FROM members WHERE active)
SELECT row_to_json(x)::text AS json FROM (SELECT * FROM ev, act, ap, staff) x
