/**
 * The SQL that reduces exchanges to one row per account (`AccountFeatures`): all per-exchange work
 * happens in DuckDB, so JavaScript holds per-account aggregates only, whatever the log's size.
 */

/**
 * @param relation - exchanges of the accounts to describe.
 * @param benign - exchanges that define the benign mean and sd of the shape features (the
 *   reference log, or the scanned log itself by default).
 * @param caps - a relation (model, cap): the largest max_tokens asked of each model.
 */
export function accountFeaturesSql(relation: string, benign: string, caps: string): string {
  const shape = ['ln(1 + prompt_chars)', 'digit_share', 'ln(1 + newlines)', 'ln(1 + coalesce(completion_tokens, 0))'];
  const norms = shape.map((e, i) => `avg(${e}) AS mu${i}, greatest(stddev_pop(${e}), 1e-9) AS sd${i}`).join(', ');
  const means = shape.map((e, i) => `avg(${e}) AS f${i}`).join(', ');
  const distance = shape.map((_, i) => `pow((f${i} - mu${i}) / sd${i}, 2)`).join(' + ');
  return `WITH norms AS (SELECT ${norms} FROM ${benign}),
  pb AS (SELECT DISTINCT account, prompt_hash, unnest(bands) AS bucket FROM ${relation} WHERE bands IS NOT NULL),
  coll AS (SELECT account, bucket FROM pb GROUP BY account, bucket HAVING count(DISTINCT prompt_hash) >= 2),
  colliding AS (SELECT pb.account, count(DISTINCT pb.prompt_hash)::DOUBLE AS c FROM pb JOIN coll USING (account, bucket) GROUP BY pb.account),
  agg AS (
    SELECT e.account, count(*)::DOUBLE AS n,
      sum(elicit::INTEGER)::DOUBLE AS k_elicit,
      sum(logprobs::INTEGER)::DOUBLE AS k_logprobs,
      sum(CASE WHEN c.cap > 0 AND e.max_tokens >= 0.9 * c.cap THEN 1 ELSE 0 END)::DOUBLE AS k_cap,
      count(DISTINCT temperature)::DOUBLE AS temperatures,
      count(DISTINCT prompt_hash)::DOUBLE AS distinct_prompts,
      coalesce(sum(completion_tokens), 0)::DOUBLE AS completion_tokens,
      epoch(min(ts))::DOUBLE AS first, epoch(max(ts))::DOUBLE AS last,
      ${means}
    FROM ${relation} e LEFT JOIN ${caps} c USING (model) GROUP BY e.account
  )
  SELECT account, n, k_elicit, k_logprobs, k_cap, temperatures, distinct_prompts, coalesce(colliding.c, 0) AS colliding,
    completion_tokens, first, last, (${distance}) AS shape_distance
  FROM agg CROSS JOIN norms LEFT JOIN colliding USING (account) ORDER BY account`;
}
