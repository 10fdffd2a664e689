-- trend.graphql as one statement: $1 the unit's row id, $2 the year, one row per quarter.
WITH quarters AS (SELECT n FROM generate_series(1, 4) AS n),
members AS (
  SELECT m.id, m.active FROM asn m
  WHERE m.unit_id IN (SELECT d.id FROM units d JOIN units r ON d.path LIKE r.path || '%' WHERE r.id = $1)),
ev AS (
  SELECT e.period_number AS n,
    count(*) FILTER (WHERE e.predikat = 'SANGAT_BAIK') AS sangat_baik,
    count(*) FILTER (WHERE e.predikat = 'BAIK') AS baik,
    count(*) FILTER (WHERE e.predikat = 'BUTUH_PERBAIKAN') AS butuh_perbaikan,
    count(*) FILTER (WHERE e.predikat = 'KURANG') AS kurang,
    count(*) FILTER (WHERE e.predikat = 'SANGAT_KURANG') AS sangat_kurang
  FROM evaluations e
  WHERE e.period_year = $2 AND e.period_kind = 'QUARTERLY' AND e.status <> 'DRAFT'
    AND e.asn_id IN (SELECT id FROM members)
  GROUP BY e.period_number),
act AS (
  SELECT extract(quarter FROM ac.activity_date)::int AS n,
    COALESCE(sum(ac.minutes) FILTER (WHERE ac.status = 'APPROVED'), 0) AS approved,
    COALESCE(sum(ac.minutes) FILTER (WHERE ac.status = 'SUBMITTED'), 0) AS pending
  FROM activities ac
  WHERE ac.activity_date BETWEEN make_date($2, 1, 1) AND make_date($2, 12, 31)
    AND ac.asn_id IN (SELECT id FROM members)
  GROUP BY 1),
ap AS (
  SELECT e.period_number AS n, count(*) AS filed, count(*) FILTER (WHERE a.status = 'OPEN') AS open
  FROM evaluations e JOIN appeals a ON a.evaluation_id = e.id
  WHERE e.period_year = $2 AND e.period_kind = 'QUARTERLY' AND e.asn_id IN (SELECT id FROM members)
  GROUP BY e.period_number),
staff AS (SELECT count(*) AS staff FROM members WHERE active)
SELECT json_agg(x ORDER BY x.n)::text AS json FROM (
  SELECT quarters.n, staff.staff, ev.sangat_baik, ev.baik, ev.butuh_perbaikan, ev.kurang,
         ev.sangat_kurang, act.approved, act.pending, ap.filed, ap.open
  FROM quarters CROSS JOIN staff
  LEFT JOIN ev ON ev.n = quarters.n LEFT JOIN act ON act.n = quarters.n LEFT JOIN ap ON ap.n = quarters.n) x
