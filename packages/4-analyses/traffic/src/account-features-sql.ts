/**
 * The SQL that reduces exchanges to one row per account (`AccountFeatures`): all per-exchange work
 * happens in DuckDB, so JavaScript holds per-account aggregates only, whatever the log's size.
 */

/**
 * An exchange's completion tokens as a whole number (a fractional count is rounded), or NULL when
 * the log gives none or an impossible one (negative, above 10¹², not finite): a hostile or broken
 * log must not crash the scan (ln of a negative) or decide a sum through one absurd value.
 */
export const COMPLETION_TOKENS_SQL = `CASE WHEN completion_tokens BETWEEN 0 AND 1e12 THEN round(completion_tokens)::BIGINT END`;

/**
 * Fixed-point scale of the shape features. Every average below is a sum of integers (exact, so the
 * same whatever order DuckDB's threads add the rows in) divided once: floating-point sums depend
 * on that order, and two scans of the same log differed in their last digits (measured). 2⁻²⁰ is
 * far below any difference the shape distance could care about.
 */
const SCALE = 2 ** 20;

/**
 * @param relation - exchanges of the accounts to describe.
 * @param benign - exchanges that define the benign mean and sd of the shape features (the
 *   reference log, or the scanned log itself by default).
 * @param caps - a relation (model, cap): the largest max_tokens asked of each model.
 */
export function accountFeaturesSql(relation: string, benign: string, caps: string): string {
  const shape = ['ln(1 + prompt_chars)', 'digit_share', 'ln(1 + newlines)', `ln(1 + coalesce(${COMPLETION_TOKENS_SQL}, 0))`];
  const quantized = (from: string) => `SELECT *, ${shape.map((e, i) => `round((${e}) * ${SCALE})::BIGINT AS q${i}`).join(', ')} FROM ${from}`;
  // mean = Σq / n, variance = (n·Σq² − (Σq)²) / n², all in 128-bit integers until the last division.
  const norms = shape
    .map((_, i) => `sum(q${i}) AS s${i}, sum(q${i}::HUGEINT * q${i}) AS ss${i}, count(q${i})::HUGEINT AS n${i}`)
    .join(', ');
  const moments = shape
    .map((_, i) => `s${i}::DOUBLE / n${i} / ${SCALE} AS mu${i}, greatest(sqrt(greatest(n${i} * ss${i} - s${i} * s${i}, 0)::DOUBLE) / n${i} / ${SCALE}, 1e-9) AS sd${i}`)
    .join(', ');
  const means = shape.map((_, i) => `sum(q${i})::DOUBLE / count(q${i}) / ${SCALE} AS f${i}`).join(', ');
  const distance = shape.map((_, i) => `pow((f${i} - mu${i}) / sd${i}, 2)`).join(' + ');
  return `WITH sums AS (SELECT ${norms} FROM (${quantized(benign)})),
  norms AS (SELECT ${moments} FROM sums),
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
      coalesce(sum(${COMPLETION_TOKENS_SQL}), 0)::DOUBLE AS completion_tokens,
      epoch(min(ts))::DOUBLE AS first, epoch(max(ts))::DOUBLE AS last,
      ${means}
    FROM (${quantized(relation)}) e LEFT JOIN ${caps} c USING (model) GROUP BY e.account
  )
  SELECT account, n, k_elicit, k_logprobs, k_cap, temperatures, distinct_prompts, coalesce(colliding.c, 0) AS colliding,
    completion_tokens, first, last, (${distance}) AS shape_distance
  FROM agg CROSS JOIN norms LEFT JOIN colliding USING (account) ORDER BY account`;
}
