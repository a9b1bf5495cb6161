/**
 * The `tracemark` command: registers commands and their options, validates options into typed
 * objects, lazily imports each command, prints its result (human view or --json) and maps errors
 * to exit codes. Commands return data, so tests call them without argv.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerTrafficScan } from './commands/traffic-scan.ts';
import { classifyError, ExitCode, type ExitCodeValue } from './errors.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export function parseNumber(name: string, min: number, max: number, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
    }
    return n;
  };
}

export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new InvalidArgumentError('shard must be i/N with 0 ≤ i < N, e.g. 0/2');
  return { index, count };
}

export function parseAlpha(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('alpha must be a number in (0, 1), e.g. 1e-3');
  return n;
}

function emit(io: CliIo, json: boolean, data: unknown, human: string): void {
  io.stdout(json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);
}

/** Build the program. `setExit` receives the exit code a command decided on (e.g. --fail-on-detect). */
export function buildProgram(io: CliIo, setExit: (code: ExitCodeValue) => void): Command {
  const program = new Command('tracemark')
    .description('Keyed watermarks and exact statistical tests for LLM distillation forensics')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  program
    .command('keygen')
    .description('create a watermark key (written owner-only; the secret is never printed)')
    .addOption(new Option('--scheme <scheme>', 'watermark scheme').choices(['kgw', 'unigram', 'gumbel', 'synthid']).makeOptionMandatory())
    .option('--tokenizer <name|path>', 'o200k_base, cl100k_base, llama3, qwen3, deepseek_v3, or a tokenizer.json path', 'o200k_base')
    .option('--gamma <γ>', 'green fraction (kgw, unigram)', parseNumber('gamma', 0, 0.99))
    .option('--delta <δ>', 'logit bias for green tokens (kgw, unigram)', parseNumber('delta', 0, 100))
    .option('--context <h>', 'context width in tokens (kgw, gumbel, synthid), 1–8', parseNumber('context', 1, 8, true))
    .addOption(new Option('--seeding <variant>', 'kgw seeding').choices(['lefthash', 'selfhash']))
    .option('--layers <m>', 'tournament layers (synthid), 1–32', parseNumber('layers', 1, 32, true))
    .requiredOption('--out <file>', 'where to write the key')
    .option('--force', 'overwrite an existing key file', false)
    .option('--json', 'print {keyId, scheme, tokenizer, params} as JSON', false)
    .action(async (o) => {
      const { keygen, renderKeygen } = await import('./commands/keygen.ts');
      const r = await keygen({
        scheme: o.scheme,
        tokenizer: o.tokenizer,
        params: { gamma: o.gamma, delta: o.delta, context: o.context, seeding: o.seeding, layers: o.layers },
        out: o.out,
        force: o.force,
      });
      const { out: _out, ...pub } = r;
      emit(io, o.json, pub, renderKeygen(r));
    });

  program
    .command('detect')
    .description('test text for a watermark: exact p-values per document and for the deduplicated aggregate')
    .argument('[files...]', 'text files (one document each) or JSONL files (one document per line); - or none for stdin')
    .requiredOption('--key <file>', 'watermark key file')
    .addOption(new Option('--format <format>', 'input format (default: jsonl for .jsonl/.ndjson files, else text)').choices(['text', 'jsonl']))
    .option('--field <name>', 'JSONL field with the text (default: text, else response)')
    .option('--prompt-field <name>', 'JSONL field with a prompt whose tuples are never scored', 'prompt')
    .option('--alpha <α>', 'significance level for the verdict', parseAlpha, 1e-3)
    .option('--window', 'also search each document for a watermarked passage (Bonferroni-corrected)', false)
    .option('--tokenizer <name|path>', "tokenizer to score with (default: the key's)")
    .option('--fail-on-detect', 'exit 1 when the aggregate is detected', false)
    .option('--shard <i/N>', 'score only the tuples routed to shard i of N and print a partial result for `tracemark merge`', parseShard)
    .option('--summary', 'keep no per-document results (bounded memory on very large inputs)', false)
    .option('--threads <n>', 'worker threads for JSONL input (default: all cores, up to 4, from 8 MiB of JSONL; 1 = this thread only)', parseNumber('threads', 1, 64, true))
    .option('--no-normalize', 'score text exactly as written (default: remove invisible characters, fold look-alike letters, NFKC forms, shouted or scrambled case and odd whitespace first)')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (files: string[], o) => {
      const { detect, detectPartial, detectJson, renderDetect } = await import('./commands/detect.ts');
      if (o.shard) {
        const partial = await detectPartial({ key: o.key, inputs: files, format: o.format, field: o.field, promptField: o.promptField, alpha: o.alpha, tokenizer: o.tokenizer, shard: o.shard, summary: o.summary, normalize: o.normalize, threads: o.threads, quiet: true });
        io.stdout(`${JSON.stringify(partial)}\n`);
        return;
      }
      const r = await detect({
        key: o.key,
        inputs: files,
        format: o.format,
        field: o.field,
        promptField: o.promptField,
        alpha: o.alpha,
        window: o.window,
        tokenizer: o.tokenizer,
        summary: o.summary,
        normalize: o.normalize,
        threads: o.threads,
        quiet: o.json,
      });
      emit(io, o.json, detectJson(r), renderDetect(r));
      if (o.failOnDetect && r.aggregate.detected) setExit(ExitCode.detected);
    });

  program
    .command('train')
    .description('train a reference n-gram language model (teacher, student or control)')
    .requiredOption('--corpus <spec...>', 'sotu, moby-dick, FILE.txt or FILE.jsonl, each optionally :FRACTION of training tokens (fractions must sum to 1)')
    .option('--order <n>', 'n-gram order, 2–6', parseNumber('order', 2, 6, true), 4)
    .option('--tokenizer <name|path>', 'tokenizer', 'o200k_base')
    .option('--name <name>', 'model name recorded in the file and in generations')
    .option('--seed <n>', 'seed for the mixture document order', parseNumber('seed', 0, 2 ** 32 - 1, true), 0)
    .requiredOption('--out <file>', 'model file to write')
    .option('--force', 'overwrite an existing file', false)
    .option('--json', 'print the training summary as JSON', false)
    .action(async (o) => {
      const { train, renderTrain } = await import('./commands/train.ts');
      const r = await train({ corpus: o.corpus, order: o.order, tokenizer: o.tokenizer, out: o.out, name: o.name, seed: o.seed, force: o.force, quiet: o.json });
      emit(io, o.json, r, renderTrain(r));
    });

  program
    .command('generate')
    .description('generate responses from a reference model, watermarked with --key or not (JSONL out)')
    .requiredOption('--model <file>', 'model file from `tracemark train`')
    .option('--key <file>', 'watermark key; without it the output is unwatermarked')
    .option('--prompts <spec>', 'FILE.jsonl with a "prompt" field, or builtin, builtin:sotu, builtin:moby-dick', 'builtin')
    .option('--count <n>', 'how many built-in prompts', parseNumber('count', 1, 1e6, true), 100)
    .requiredOption('--out <file>', 'JSONL output: {id, prompt, response, model, keyId?, seed}')
    .option('--max-tokens <n>', 'tokens per response', parseNumber('max-tokens', 1, 100_000, true), 200)
    .option('--temperature <t>', 'sampling temperature (0 = greedy)', parseNumber('temperature', 0, 10), 1)
    .option('--top-k <k>', 'candidates per step (0 = whole vocabulary)', parseNumber('top-k', 0, 1e7, true), 50)
    .option('--top-p <p>', 'nucleus mass', parseNumber('top-p', 1e-9, 1), 1)
    .option('--seed <n>', 'sampling seed', parseNumber('seed', 0, 2 ** 32 - 1, true), 0)
    .option('--samples <n>', 'responses per prompt', parseNumber('samples', 1, 10_000, true), 1)
    .option('--force', 'overwrite an existing file', false)
    .option('--json', 'print the summary as JSON', false)
    .action(async (o) => {
      const { generateCommand, renderGenerate } = await import('./commands/generate.ts');
      const r = await generateCommand({
        model: o.model,
        key: o.key,
        prompts: o.prompts,
        count: o.count,
        out: o.out,
        maxTokens: o.maxTokens,
        temperature: o.temperature,
        topK: o.topK,
        topP: o.topP,
        seed: o.seed,
        samples: o.samples,
        force: o.force,
        quiet: o.json,
      });
      emit(io, o.json, r, renderGenerate(r));
    });

  program
    .command('audit')
    .description("test a suspect model for the teacher's watermark (radioactivity): closed-model, open-model and per-account tests")
    .requiredOption('--key <file>', "teacher's watermark key (the master key when --accounts is given)")
    .option('--suspect-outputs <file>', 'JSONL of the suspect\'s outputs ({prompt?, response|text})')
    .option('--suspect-model <file>', 'a reference model file: generate from it and teacher-force it')
    .option('--suspect-endpoint <url>', 'an OpenAI-compatible endpoint to generate from')
    .option('--suspect-name <name>', 'the model name at --suspect-endpoint')
    .option('--api-key-env <var>', 'environment variable holding the endpoint API key')
    .option('--teacher-data <file>', "the teacher's watermarked outputs (JSONL), for --supervised-filter")
    .option('--supervised-filter', "also run the closed-model test only at context windows seen in --teacher-data (teacher's own tuples excluded)", false)
    .option('--forced-text <spec>', 'text to teacher-force in the open-model tests: FILE.jsonl, builtin (held-out State of the Union, default), builtin:moby-dick', 'builtin')
    .option('--forced-tokens <n>', 'tokens of forced text to use', parseNumber('forced-tokens', 1, 1e8, true), 20_000)
    .option('--prompts <spec>', 'prompts to generate from: builtin, builtin:moby-dick or FILE.jsonl', 'builtin')
    .option('--count <n>', 'how many built-in prompts', parseNumber('count', 1, 1e6, true), 300)
    .option('--max-tokens <n>', 'tokens per generated output', parseNumber('max-tokens', 1, 100_000, true), 100)
    .option('--seed <n>', 'generation seed', parseNumber('seed', 0, 2 ** 32 - 1, true), 0)
    .option('--accounts <file>', 'account names, one per line: test each account key derived from --key')
    .option('--alpha <α>', 'significance level', parseAlpha, 1e-3)
    .option('--top-k <k>', 'candidates per position in the open-model mass test', parseNumber('top-k', 1, 1000, true), 20)
    .option('--target-effect <x>', 'exit 4 unless every exact test could detect a rate increase ≥ x (80% power)', parseNumber('target-effect', 1e-9, 10))
    .option('--save-outputs <file>', 'append collected suspect outputs here (default: next to --out); a rerun resumes from it')
    .option('--tokenizer <name|path>', "tokenizer (default: the key's)")
    .option('--out <file>', 'write the JSON report here')
    .option('--sign <signer.json>', 'write the report as a signed DSSE envelope (in-toto Statement v1); needs --out')
    .option('--html <file>', 'also write the self-contained HTML report (the signed envelope embedded when --sign is given)')
    .option('--fingerprint-suspect <file|URL#model>', "the suspect's probe transcript, or an endpoint and model name to probe: adds behavioural fingerprint evidence")
    .option('--fingerprint-teacher <file|URL#model>', "the teacher's probe transcript (or endpoint#model)")
    .option('--fingerprint-reference <file|URL#model...>', 'transcripts (or endpoint#model) of independent reference models')
    .option('--force', 'overwrite an existing report', false)
    .option('--json', 'print the JSON report', false)
    .action(async (o) => {
      const { audit, renderAudit } = await import('./commands/audit.ts');
      const r = await audit({
        key: o.key,
        suspectOutputs: o.suspectOutputs,
        suspectModel: o.suspectModel,
        suspectEndpoint: o.suspectEndpoint,
        suspectName: o.suspectName,
        apiKeyEnv: o.apiKeyEnv,
        teacherData: o.teacherData,
        supervisedFilter: o.supervisedFilter,
        forcedText: o.forcedText,
        forcedTokens: o.forcedTokens,
        prompts: o.prompts,
        count: o.count,
        maxTokens: o.maxTokens,
        seed: o.seed,
        accounts: o.accounts,
        alpha: o.alpha,
        topK: o.topK,
        targetEffect: o.targetEffect,
        saveOutputs: o.saveOutputs,
        out: o.out,
        sign: o.sign,
        html: o.html,
        fingerprintSuspect: o.fingerprintSuspect,
        fingerprintTeacher: o.fingerprintTeacher,
        fingerprintReferences: o.fingerprintReference,
        force: o.force,
        tokenizer: o.tokenizer,
        quiet: o.json,
      });
      emit(io, o.json, r.report, renderAudit(r.report));
      if (r.warning) io.stderr(`tracemark: ${r.warning}\n`);
      if (r.exitCode !== 0) setExit(r.exitCode as ExitCodeValue);
    });

  const signer = program.command('signer').description('ed25519 signing keys for commitments and reports');
  signer
    .command('init')
    .description('create a signing key (owner-only file); optionally write its public key')
    .requiredOption('--out <file>', 'signer file to write (keep it secret)')
    .option('--public-out <file>', 'also write the public key file')
    .option('--force', 'overwrite existing files', false)
    .option('--json', 'print {signerId, out, publicOut} as JSON', false)
    .action(async (o) => {
      const { signerInit } = await import('./commands/signer.ts');
      const r = await signerInit({ out: o.out, force: o.force, publicOut: o.publicOut });
      emit(io, o.json, r, `wrote signer ${r.signerId} to ${r.out} (mode 600: keep it secret)${r.publicOut ? `; public key to ${r.publicOut}` : ''}`);
    });
  signer
    .command('export-public')
    .description('print or write the public key of a signer file')
    .requiredOption('--signer <file>', 'signer file')
    .option('--out <file>', 'write the public key file here instead of printing it')
    .option('--force', 'overwrite an existing file', false)
    .action(async (o) => {
      const { signerExportPublic } = await import('./commands/signer.ts');
      const r = await signerExportPublic({ signer: o.signer, out: o.out, force: o.force });
      io.stdout(o.out ? `wrote public key of ${r.signerId} to ${o.out}\n` : r.text);
    });

  program
    .command('commit')
    .description('sign a dated commitment to a watermark key (publish it before suspects are released)')
    .requiredOption('--key <file>', 'watermark key file')
    .requiredOption('--signer <file>', 'signer file')
    .requiredOption('--out <file>', 'commitment file to write (DSSE envelope)')
    .option('--force', 'overwrite an existing file', false)
    .option('--json', 'print the summary as JSON', false)
    .action(async (o) => {
      const { commit } = await import('./commands/commit.ts');
      const r = await commit({ key: o.key, signer: o.signer, out: o.out, force: o.force });
      emit(io, o.json, r, `committed to key ${r.keyId} at ${r.committedAt}, signed by ${r.signerId}: ${r.out}`);
    });

  program
    .command('verify')
    .description('verify a signed commitment or audit report (JSON or HTML); with --key and --inputs, recompute every statistic')
    .argument('<file>', 'commitment.json, report.json or report.html')
    .requiredOption('--public-key <file>', "the signer's public key file (or the signer file)")
    .option('--key <file>', 'the watermark key: checks a commitment against it, and lets a report be recomputed')
    .option('--inputs <paths...>', "directories or files holding the report's inputs (matched by file name)", [])
    .option('--json', 'print the checks as JSON', false)
    .action(async (file: string, o) => {
      const { verify, renderVerify } = await import('./commands/verify.ts');
      const r = await verify({ file, publicKey: o.publicKey, key: o.key, inputs: o.inputs, quiet: true });
      emit(io, o.json, r, renderVerify(r));
      if (!r.verified) setExit(ExitCode.verificationFailed);
    });

  program
    .command('demo')
    .description('the whole loop on built-in data: watermark a teacher, distil a student, audit it and a control, sign and verify the reports')
    .option('--out <dir>', 'folder for every artefact', 'demo-out')
    .option('--force', 'replace an existing demo folder', false)
    .option('--json', 'print the result as JSON', false)
    .action(async (o) => {
      const { demo, renderDemo } = await import('./commands/demo.ts');
      const r = await demo({ out: o.out, force: o.force, quiet: o.json });
      emit(io, o.json, r, renderDemo(r));
    });

  program
    .command('merge')
    .description('merge the partial results of `detect --shard i/N` into the single-run result')
    .argument('<partials...>', 'partial result files, one per shard')
    .option('--fail-on-detect', 'exit 1 when the aggregate is detected', false)
    .option('--json', 'print JSON instead of a table', false)
    .action(async (partials: string[], o) => {
      const { merge } = await import('./commands/merge.ts');
      const { detectJson, renderDetect } = await import('./commands/detect.ts');
      const r = await merge(partials);
      emit(io, o.json, detectJson(r), renderDetect(r));
      if (o.failOnDetect && r.aggregate.detected) setExit(ExitCode.detected);
    });

  program
    .command('probe')
    .description('send a probe suite to an OpenAI-compatible endpoint and record a resumable transcript (or export/import an OpenAI batch)')
    .requiredOption('--model <name>', 'model name sent in each request and recorded in the transcript')
    .option('--endpoint <url>', 'base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1')
    .option('--api-key-env <VAR>', 'environment variable holding the API key (the key is never recorded)')
    .option('--suite <default|file>', 'probe suite: default, default-v1, or a suite JSON file', 'default')
    .option('--samples <n>', 'samples per probe, 1–1000', parseNumber('samples', 1, 1000, true), 1)
    .option('--temperature <t>', 'sampling temperature, 0–2', parseNumber('temperature', 0, 2))
    .option('--seed <s>', 'base seed (sample i is sent seed + i)', parseNumber('seed', 0, 2 ** 31 - 1, true))
    .option('--logprobs <k>', 'request log-probabilities with k alternatives per token, 0–20', parseNumber('logprobs', 0, 20, true))
    .option('--max-tokens <n>', "cap on every probe's max_tokens", parseNumber('max-tokens', 1, 1_000_000, true))
    .option('--concurrency <c>', 'requests in flight, 1–256', parseNumber('concurrency', 1, 256, true), 4)
    .option('--timeout <seconds>', 'per-attempt timeout (a stalled request is retried)', parseNumber('timeout', 0.001, 86_400), 120)
    .option('--retries <n>', 'attempts per request, first included, 1–100', parseNumber('retries', 1, 100, true), 6)
    .option('--out <file>', 'transcript JSONL (appended and fsynced per answer; rerun to resume)')
    .option('--export-batch <file>', 'write the suite as an OpenAI Batch API input file instead of calling an endpoint')
    .option('--import-batch <file>', 'import an OpenAI Batch API output file into --out')
    .option('--force', 'overwrite an existing --export-batch file', false)
    .option('--json', 'print a JSON summary', false)
    .action(async (o) => {
      const { probe, probeJson, renderProbe } = await import('./commands/probe.ts');
      const r = await probe({
        endpoint: o.endpoint,
        model: o.model,
        apiKeyEnv: o.apiKeyEnv,
        suite: o.suite,
        samples: o.samples,
        temperature: o.temperature,
        seed: o.seed,
        logprobs: o.logprobs,
        maxTokens: o.maxTokens,
        concurrency: o.concurrency,
        timeout: o.timeout,
        retries: o.retries,
        out: o.out,
        exportBatch: o.exportBatch,
        importBatch: o.importBatch,
        force: o.force,
        quiet: o.json,
      });
      emit(io, o.json, probeJson(r), renderProbe(r));
      if (r.mode !== 'export-batch' && !r.complete) setExit(ExitCode.runtime);
    });

  program
    .command('fingerprint')
    .description('test whether a suspect is closer to a teacher than a reference panel is, from probe transcripts')
    .requiredOption('--suspect <file>', "the suspect model's transcript")
    .requiredOption('--teacher <file>', "the teacher model's transcript")
    .requiredOption('--reference <files...>', 'transcripts of independent reference models (at least 2 for the behaviour line)')
    .option('--alpha <α>', 'significance level for the verdict', parseAlpha, 1e-3)
    .option('--measures <names...>', 'measures of the behaviour line: phrases, edit, word-ngram, char-ngram, mmd, refusal (default all)')
    .addOption(new Option('--test <test>', 'paired test across probes').choices(['signed-rank', 'sign']).default('signed-rank'))
    .option('--teacher-vendor <id>', "the teacher's vendor for the identity test (openai, anthropic, google, meta, deepseek, alibaba, mistral, …); default: the vendor the teacher names")
    .option('--permutations <n>', 'permutations of the suspect-vs-teacher MMD test, 0 to skip', parseNumber('permutations', 0, 1_000_000, true), 999)
    .option('--fail-on-detect', 'exit 1 when the verdict is "detected"', false)
    .option('--json', 'print the full analysis as JSON', false)
    .action(async (o) => {
      const { fingerprint, fingerprintJson, renderFingerprint } = await import('./commands/fingerprint.ts');
      const r = await fingerprint({
        suspect: o.suspect,
        teacher: o.teacher,
        references: o.reference,
        alpha: o.alpha,
        measures: o.measures,
        test: o.test,
        teacherVendor: o.teacherVendor,
        permutations: o.permutations,
        quiet: o.json,
      });
      emit(io, o.json, fingerprintJson(r), renderFingerprint(r));
      if (o.failOnDetect && r.verdict === 'detected') setExit(ExitCode.detected);
    });

  program
    .command('receipts')
    .description('what a gateway served, per account: responses and tokens from its receipt log (checks the hash chain, lists torn lines)')
    .requiredOption('--log <file>', 'receipt log written by the gateway (JSONL)')
    .option('--since <time>', 'only responses at or after this ISO-8601 time')
    .option('--until <time>', 'only responses before this ISO-8601 time')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (o) => {
      const { receipts, renderReceipts } = await import('./commands/receipts.ts');
      const r = await receipts({ log: o.log, since: o.since, until: o.until });
      emit(io, o.json, r, renderReceipts(r));
    });

  const traffic = program.commands.find((c) => c.name() === 'traffic') ?? program.command('traffic').description('extraction campaigns in API exchange logs');
  registerTrafficScan(traffic, (json, data, human) => emit(io, json, data, human));

  program
    .command('attack')
    .description('edit text the way evaders do (deletions, synonyms, homoglyphs …) to measure robustness: text or JSONL in, the same format out')
    .argument('<in>', 'text file, or JSONL file whose "text" (else "response") field is attacked on every line, other fields kept')
    .argument('<out>', 'where to write the attacked text')
    .requiredOption('--kind <kind>', 'delete-words, insert-words, synonyms, case, whitespace, punctuation, invisible, homoglyphs, truncate, copy-paste or regenerate')
    .requiredOption('--strength <x>', "how hard: for most attacks the share of words, letters or gaps changed, in [0, 1] (each attack's meaning is printed with the result)", parseNumber('strength', 0, 4))
    .option('--seed <n>', 'the same input, kind, strength and seed give the same output', parseNumber('seed', 0, 2 ** 32 - 1, true), 0)
    .addOption(new Option('--format <format>', 'input format (default: jsonl for .jsonl/.ndjson files, else text)').choices(['text', 'jsonl']))
    .option('--field <name>', 'JSONL field to attack (default: text, else response)')
    .option('--human <file>', 'human text the watermarked text is pasted into (copy-paste)')
    .option('--model <file>', 'unwatermarked model from `tracemark train` that rewrites spans (regenerate)')
    .option('--force', 'overwrite an existing OUT', false)
    .option('--json', 'print what was done as JSON', false)
    .action(async (input: string, output: string, o) => {
      const { attack, renderAttack } = await import('./commands/attack.ts');
      const r = await attack({ kind: o.kind, strength: o.strength, seed: o.seed, input, output, format: o.format, field: o.field, human: o.human, model: o.model, force: o.force, quiet: o.json });
      emit(io, o.json, r, renderAttack(r));
    });

  return program;
}

/** Run the CLI on `argv` (without the node and script entries); returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<ExitCodeValue> {
  let exit: ExitCodeValue = ExitCode.ok;
  const program = buildProgram(io, (c) => (exit = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successful exits; everything else commander rejects is usage.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const { exitCode, message } = classifyError(err);
    io.stderr(`tracemark: ${message}\n`);
    return exitCode;
  }
}
