-- nested.graphql as one statement: $2 the year ($1 is not used: the list is city-wide).
SELECT json_agg(u ORDER BY u.path)::text AS json FROM (
  SELECT un.path, un.code, un.name,
    (SELECT count(*) FROM asn a WHERE a.unit_id = un.id) AS total,
    (SELECT json_agg(x) FROM (
       SELECT a.nip, a.name,
         (SELECT json_agg(ev) FROM (
            SELECT e.period_number, e.predikat, e.status,
              (SELECT json_agg(f) FROM (
                 SELECT f.kind, f.body, f.created_at, au.nip
                 FROM feedback f JOIN asn au ON au.id = f.author_id
                 WHERE f.evaluation_id = e.id AND f.parent_id IS NULL
                 ORDER BY f.created_at, f.id) f) AS feedback
            FROM evaluations e
            WHERE e.asn_id = a.id AND e.period_year = $2 AND e.period_kind = 'QUARTERLY'
            ORDER BY e.period_number DESC, e.id DESC LIMIT 4) ev) AS evaluations
       FROM asn a WHERE a.unit_id = un.id
       ORDER BY lower(a.name), a.id LIMIT 40) x) AS asns
  FROM units un ORDER BY un.path LIMIT 40) u
