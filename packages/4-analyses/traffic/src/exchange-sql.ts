/**
 * The per-exchange work of the scanner, in SQL so DuckDB does it in bounded memory, vectorised,
 * and once per log (the result is kept in `LOG.duckdb`): which lines are valid exchanges (the same
 * rules as {@link exchangeLineProblem}, which only locates the first bad line for the error
 * message), and the features each signal needs. Prompt and response text is NOT kept: only the
 * features below, so the database holds less personal data than the log it came from.
 *
 * Features (version {@link FEATURES_VERSION}; change the version when any definition changes so
 * cached databases are rebuilt):
 * - `elicit`: the prompt asks the model to write out its reasoning — the multilingual phrase list
 *   {@link ELICITATION_PATTERN} (English, Spanish, French, German, Portuguese, Italian, Russian,
 *   Chinese, Japanese, Korean; "step by step", "show your reasoning", chain-of-thought and
 *   hidden-reasoning jailbreak wording).
 * - `logprobs`, `max_tokens`, `temperature`, `model`: harvest parameters as requested.
 * - `prompt_hash`: a hash of the normalised prompt (lower case, digit runs → 0, whitespace
 *   collapsed), to count distinct prompts.
 * - `bands`: MinHash locality-sensitive hashing of the prompt's template — the prompt WITHOUT its
 *   elicitation wording, split into words at every ASCII non-alphanumeric character (non-ASCII
 *   characters stay in words; a replace and a plain split is ≈1.7× faster than splitting on Unicode
 *   punctuation classes, measured), so that accounts are never linked merely for asking "step by step" (the
 *   link and the content signal would then be the same evidence counted twice) (A. Broder, "On the
 *   resemblance and containment of documents", 1997; Leskovec, Rajaraman & Ullman, Mining of
 *   Massive Datasets ch. 3): word bigrams of the normalised prompt without stop words, 12 min-hashes
 *   (one 64-bit hash per shingle, permuted by XOR with 12 fixed masks — cheap and, for min-hashing
 *   a few dozen shingles, close enough to min-wise independent), 6 bands of 2 rows. Two prompts
 *   with shingle Jaccard J share a band with probability 1 − (1 − J²)⁶: 0.82 at J = 0.5, 0.22 at
 *   J = 0.2, 0.06 at J = 0.1.
 * - `prompt_chars`, `digit_share`, `newlines`, `completion_tokens`: the shape of the exchange for
 *   the distribution signal.
 * - `ip_prefix`: the IPv4 /24 or IPv6 /48 the client address belongs to (one NAT, one proxy
 *   subnet, one residential block).
 */

export const FEATURES_VERSION = 'traffic-features/4';

/** Reasoning-elicitation wording, matched against the lower-cased prompt (RE2 syntax). */
export const ELICITATION_PATTERN = [
  'step[- ]by[- ]step',
  'show (all )?(of )?your (work|steps|reasoning|thinking|thought process)',
  'explain your (reasoning|thinking|thought process)',
  'think (it )?(through|carefully|aloud|out loud)',
  'chain[- ]of[- ]thought',
  'reason(ing)? (through|step)',
  'walk me through',
  '(full|complete|detailed|entire) (reasoning|derivation|thought process)',
  'before (giving|answering|the final answer)',
  'inner monologue',
  '(hidden|internal|private) (reasoning|thoughts|scratchpad)',
  '<think>',
  'paso a paso',
  'muestra (tu|todo tu) (razonamiento|trabajo)',
  '(é|e)tape par (é|e)tape',
  '(montre|explique)[sz]? (ton|votre) raisonnement',
  'schritt f(ü|ue)r schritt',
  '(zeige|erkl(ä|ae)re) (deinen|ihren) (l(ö|oe)sungsweg|gedankengang)',
  'passo a passo',
  'mostre (seu|o seu) racioc(í|i)nio',
  'mostra il (tuo )?ragionamento',
  'пошагово',
  'шаг за шагом',
  'покажи (ход )?рассуждени',
  '一步一步',
  '逐步',
  '思考过程',
  '推理过程',
  'ステップバイステップ',
  '段階的に',
  '思考過程',
  '단계별로',
].join('|');

/** Stop words dropped before shingling: function words that would make unrelated prompts collide. */
const STOP_WORDS = ['the', 'and', 'for', 'you', 'your', 'with', 'that', 'this', 'what', 'are', 'how', 'from', 'was', 'were', 'have', 'has', 'not', 'but', 'all', 'can', 'its', 'our', 'their', 'they', 'his', 'her', 'which', 'who', 'will', 'would', 'there', 'been', 'into', 'than', 'then', 'them', 'these', 'those', 'about', 'please'];

/** 12 fixed 63-bit masks (the first hexadecimal digits of π, so nobody chose them). */
const MASKS = [
  '2611923443488327891', '1376283091369227076', '4454640525826089473', '1163899858573766662',
  '3573498462125399040', '4125566089489658116', '2955557349066418370', '1452997006716318822',
  '4060225349223542281', '2774545627389440128', '3152521138813604962', '1186705547302402596',
];

export const BAND_COUNT = 6;

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A SQL string literal. */
export function sqlLiteral(s: string): string {
  return sqlString(s);
}

/** SQL: the prompt text of an OpenAI-compatible request (user, system and developer messages, or `prompt`). */
const PROMPT_SQL = `concat_ws(' ',
  CASE json_type(request->'prompt') WHEN 'VARCHAR' THEN request->>'prompt' WHEN 'ARRAY' THEN array_to_string(json_extract_string(request, '$.prompt[*]'), ' ') END,
  array_to_string(list_transform(json_extract(request, '$.messages[*]'), m ->
    CASE WHEN coalesce(m->>'role', 'user') IN ('user', 'system', 'developer') THEN
      CASE json_type(m->'content') WHEN 'VARCHAR' THEN m->>'content' WHEN 'ARRAY' THEN array_to_string(json_extract_string(m, '$.content[*].text'), ' ') END
    END), ' '))`;

const IPV4 = `'^[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$'`;
const IPV6 = `'^([0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}$'`;

/** SQL: the /24 or /48 of `ip`, or NULL when it is no address (the line is then rejected). */
const IP_PREFIX_SQL = `CASE
  WHEN regexp_matches(ip, ${IPV4}) AND list_max(list_transform(string_split(ip, '.'), x -> x::INTEGER)) <= 255
    THEN regexp_extract(ip, '^([0-9]+\\.[0-9]+\\.[0-9]+)\\.', 1) || '.0/24'
  WHEN regexp_matches(lower(ip), '^::ffff:[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$')
    THEN regexp_extract(ip, '([0-9]+\\.[0-9]+\\.[0-9]+)\\.[0-9]+$', 1) || '.0/24'
  WHEN regexp_matches(lower(ip), ${IPV6}) AND length(ip) - length(replace(ip, '::', '')) <= 2 AND NOT contains(ip, ':::')
    THEN array_to_string(list_transform((string_split(split_part(lower(ip), '::', 1), ':') || ['0', '0', '0'])[1:3],
      g -> CASE WHEN ltrim(g, '0') = '' THEN '0' ELSE ltrim(g, '0') END), ':') || '::/48'
END`;

/** SQL: why a raw row is not a valid exchange, or NULL. Mirrors `exchangeLineProblem`. */
export const PROBLEM_SQL = `CASE
  WHEN account IS NULL OR trim(account) = '' THEN 'missing field "account"'
  WHEN "time" IS NULL THEN 'missing field "time"'
  WHEN NOT regexp_matches("time", '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|z|[+-][0-9]{2}:?[0-9]{2})$')
    OR try_cast("time" AS TIMESTAMPTZ) IS NULL THEN 'time is not an ISO 8601 timestamp with a zone'
  WHEN ip IS NULL OR trim(ip) = '' THEN 'missing field "ip"'
  WHEN (${IP_PREFIX_SQL}) IS NULL THEN 'ip is not an IPv4 or IPv6 address'
  WHEN endpoint IS NULL THEN 'missing field "endpoint"'
  WHEN try_cast(status AS INTEGER) IS NULL OR try_cast(status AS INTEGER) NOT BETWEEN 100 AND 599 THEN 'status is not an HTTP status'
  WHEN request IS NULL OR json_type(request) <> 'OBJECT' THEN 'request is missing or not a JSON object'
  WHEN response IS NOT NULL AND json_type(response) NOT IN ('OBJECT', 'NULL') THEN 'response is not a JSON object'
END`;

/**
 * SQL selecting the feature columns from a relation `raw` of canonical columns (all VARCHAR but
 * `request` and `response`, JSON) whose rows are valid. Column list documented at the file top.
 */
export function featuresSql(rawRelation: string): string {
  const stop = `[${STOP_WORDS.map(sqlString).join(', ')}]`;
  const minhashes = MASKS.map((m) => `list_min(list_transform(hs, h -> xor(h, ${m}::UBIGINT)))`);
  const bands = Array.from({ length: BAND_COUNT }, (_, b) => `hash(mh[${2 * b + 1}], mh[${2 * b + 2}], ${b})`);
  return `WITH t AS (
    SELECT trim(account) AS account, "time"::TIMESTAMPTZ AS ts, trim(ip) AS ip, ${IP_PREFIX_SQL} AS ip_prefix,
      nullif(trim(user_agent), '') AS user_agent, nullif(trim(payment), '') AS payment, endpoint,
      status::INTEGER AS status, nullif(trim(key_id), '') AS key_id,
      coalesce(${PROMPT_SQL}, '') AS prompt, request, response
    FROM ${rawRelation}
  ), n AS (
    SELECT *, trim(regexp_replace(regexp_replace(lower(prompt), '[0-9]+', '0', 'g'), '\\s+', ' ', 'g')) AS norm FROM t
  ), w AS (
    SELECT *, list_filter(string_split(regexp_replace(regexp_replace(norm, ${sqlString(ELICITATION_PATTERN)}, ' ', 'g'), '[^0-9a-z\\x{80}-\\x{10FFFF}]+', ' ', 'g'), ' '),
      x -> length(x) >= 3 AND NOT list_contains(${stop}, x)) AS words FROM n
  ), s AS (
    SELECT *, list_transform(CASE WHEN len(words) >= 2 THEN list_transform(range(1, len(words)), i -> words[i] || ' ' || words[i + 1]) ELSE words END, x -> hash(x)) AS hs FROM w
  ), m AS (
    SELECT *, CASE WHEN len(hs) > 0 THEN [${minhashes.join(', ')}] END AS mh FROM s
  )
  SELECT account, ts, ip, ip_prefix, user_agent, payment, endpoint, status, key_id,
    regexp_matches(lower(prompt), ${sqlString(ELICITATION_PATTERN)}) AS elicit,
    (coalesce(try_cast(request->>'logprobs' AS BOOLEAN), false) OR coalesce(try_cast(request->>'logprobs' AS INTEGER), 0) > 0
      OR coalesce(try_cast(request->>'top_logprobs' AS INTEGER), 0) > 0) AS logprobs,
    coalesce(try_cast(request->>'max_tokens' AS DOUBLE), try_cast(request->>'max_completion_tokens' AS DOUBLE)) AS max_tokens,
    try_cast(request->>'temperature' AS DOUBLE) AS temperature,
    coalesce(request->>'model', '') AS model,
    hash(norm) AS prompt_hash,
    length(prompt)::INTEGER AS prompt_chars,
    (length(prompt) - length(regexp_replace(prompt, '[0-9]', '', 'g'))) / greatest(length(prompt), 1) AS digit_share,
    (length(prompt) - length(replace(prompt, chr(10), '')))::INTEGER AS newlines,
    try_cast(response->'usage'->>'completion_tokens' AS DOUBLE) AS completion_tokens,
    CASE WHEN mh IS NOT NULL THEN [${bands.join(', ')}] END AS bands
  FROM m`;
}
