/**
 * The coordination graph's raw material, in SQL: the values each account holds (its IPv4 /24 or
 * IPv6 /48 prefixes, user agents, payment fingerprints, MinHash template buckets, and its timing
 * signature — the minute of its first and last call, for accounts with ≥ 10 calls, which a
 * scheduler starting and stopping a pool of accounts together shares; not for accounts active at the
 * log's first or last five minutes, whose first or last call the log's cut decided), how many accounts hold
 * each value, and the edges between accounts that share one.
 *
 * A value held by more than `cap` accounts (a common user agent, a carrier-grade NAT, a bigram
 * template everyone uses) links nobody: it says nothing about coordination. Templates are weak
 * evidence one bucket at a time (unrelated prompts collide with probability ≈ 1 − (1 − J²)⁶), so
 * a template edge needs three shared buckets; one shared infrastructure value makes an edge.
 * A template bucket is one of the account's own templates only when at least two distinct prompts
 * of the account, and at least 10% of them, fall in it: the same popular prompt sent by two
 * strangers is not a shared template, and neither is the handful of near-duplicates any heavy
 * user accumulates (measured: without the 10% rule, benign heavy users linked to each other through
 * such buckets, and their volume-driven features made the group look unusual — a false cluster).
 * Groups of up to 12 accounts become cliques, larger groups stars around their first account, so
 * the edge count stays linear in the number of (account, value) pairs.
 */

export const TIMING_MIN_CALLS = 10;
export const TEMPLATE_MIN_SHARED = 3;
/** A bucket is one of an account's templates when it holds ≥ 10% of the account's distinct prompts (and ≥ 2). */
export const TEMPLATE_MIN_SHARE = 0.1;
const CLIQUE_MAX = 12;

/** SQL creating `vals(account, kind, value)` and `grp(kind, value, k, hub)` from the scanned exchanges. */
export function coordinationValuesSql(relation: string): string[] {
  return [
    `CREATE TEMP TABLE vals AS
      SELECT DISTINCT account, 'ip' AS kind, ip_prefix AS value FROM ${relation}
      UNION ALL SELECT DISTINCT account, 'userAgent', user_agent FROM ${relation} WHERE user_agent IS NOT NULL
      UNION ALL SELECT DISTINCT account, 'payment', payment FROM ${relation} WHERE payment IS NOT NULL
      UNION ALL SELECT account, 'timing', strftime(min(ts), '%Y-%m-%dT%H:%M') || '/' || strftime(max(ts), '%Y-%m-%dT%H:%M')
        FROM ${relation}, (SELECT min(ts) AS log_start, max(ts) AS log_end FROM ${relation}) bounds
        GROUP BY account HAVING count(*) >= ${TIMING_MIN_CALLS}
          AND min(ts) > any_value(log_start) + INTERVAL 5 MINUTE AND max(ts) < any_value(log_end) - INTERVAL 5 MINUTE
      UNION ALL SELECT account, 'template', b::VARCHAR FROM (
        SELECT account, b, count(*) AS c, any_value(d) AS d FROM (SELECT DISTINCT account, prompt_hash, unnest(bands) AS b FROM ${relation} WHERE bands IS NOT NULL)
          JOIN (SELECT account, count(DISTINCT prompt_hash) AS d FROM ${relation} GROUP BY account) USING (account)
        GROUP BY account, b) WHERE c >= greatest(2, ${TEMPLATE_MIN_SHARE} * d)`,
    `CREATE TEMP TABLE grp AS SELECT kind, value, count(*)::INTEGER AS k, min(account) AS hub FROM vals GROUP BY kind, value HAVING count(*) >= 2`,
  ];
}

/**
 * SQL returning edges (a, b, infra, templates) between accounts that share values held by ≤ cap
 * accounts, ordered by (a, b): Louvain's result and each account's degree (a floating-point sum)
 * depend on the order edges arrive in, and DuckDB's grouping returns rows in whatever order its
 * threads finish.
 */
export function coordinationEdgesSql(cap: number): string {
  return `WITH g AS (SELECT * FROM grp WHERE k <= ${cap}),
  pairs AS (
    SELECT v1.account AS a, v2.account AS b, g.kind FROM g JOIN vals v1 USING (kind, value) JOIN vals v2 USING (kind, value)
      WHERE g.k <= ${CLIQUE_MAX} AND v1.account < v2.account
    UNION ALL
    SELECT least(g.hub, v.account), greatest(g.hub, v.account), g.kind FROM g JOIN vals v USING (kind, value)
      WHERE g.k > ${CLIQUE_MAX} AND v.account <> g.hub
  )
  SELECT a, b, count(*) FILTER (WHERE kind <> 'template')::INTEGER AS infra, count(*) FILTER (WHERE kind = 'template')::INTEGER AS templates
  FROM pairs GROUP BY a, b
  HAVING count(*) FILTER (WHERE kind <> 'template') > 0 OR count(*) FILTER (WHERE kind = 'template') >= ${TEMPLATE_MIN_SHARED}
  ORDER BY a, b`;
}

/** SQL returning, per cluster and value held by ≥ 2 members, (cluster, kind, value, x, k), in that order. Needs `members(account, cluster)`. */
export function clusterSharedValuesSql(cap: number): string {
  return `SELECT m.cluster, v.kind, v.value, count(*)::INTEGER AS x, any_value(g.k) AS k
    FROM members m JOIN vals v USING (account) JOIN grp g USING (kind, value)
    WHERE g.k <= ${cap} GROUP BY m.cluster, v.kind, v.value HAVING count(*) >= 2
    ORDER BY m.cluster, v.kind, v.value`;
}
