/**
 * `tracemark traffic scan` on bad input: malformed lines, missing fields, unknown timestamps, a
 * 100 MB line and an empty log are errors naming file and line with exit code 2; an unwritable
 * database is exit 3; a failed ingest leaves nothing that looks complete; --skip-bad-lines counts
 * and lists what it skipped; --map, CSV and Parquet exports are read; a second scan reuses the
 * database and a changed log is ingested again; --sign and --html write a verifiable envelope and
 * a self-contained page.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli } from '@tracemark/cli/testing';
import { openEnvelope, parsePublicKey, parseEnvelope } from '@tracemark/evidence';
import { extractEnvelopeJson } from '@tracemark/report-html';
import { type TrafficReport } from '@tracemark/traffic';
import { buildFixture, writeFixtureLog } from '@tracemark/traffic/testing';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tm-traffic-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ time: `2026-12-04T10:${String(i % 60).padStart(2, '0')}:00Z`, account: `a${i % 7}`, ip: `10.0.${i % 5}.${i % 250}`, endpoint: '/v1/chat/completions', status: 200, request: { messages: [{ role: 'user', content: `hello number ${i}` }] }, ...extra });

function logWith(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Nothing next to the log but the log itself (and what the test put there). */
function leftovers(path: string): string[] {
  const base = path.split('/').pop()!;
  return readdirSync(dir).filter((f) => f.startsWith(`${base}.`));
}

describe('traffic scan: bad input', () => {
  const body = Array.from({ length: 30 }, (_, i) => good(i));

  it.each([
    ['malformed JSON', '{"time": "2026-12-04T10:00:00Z", "account": ', /:5: malformed JSON/],
    ['missing account', good(1).replace(/"account":"a1",/, ''), /:5: missing field "account"/],
    ['unknown timestamp', good(1).replace('2026-12-04T10:01:00Z', 'yesterday at noon'), /:5: time is not an ISO 8601 timestamp with a zone/],
    ['timestamp without a zone', good(1).replace('2026-12-04T10:01:00Z', '2026-12-04T10:01:00'), /:5: time is not an ISO 8601 timestamp with a zone/],
    ['bad address', good(1).replace('10.0.1.1', '999.1.1.1'), /:5: ip is not an IPv4 or IPv6 address/],
    ['request not an object', good(1).replace(/"request":\{.*\}\]\}/, '"request":"hi"'), /:5: request is missing or not a JSON object/],
  ])('%s: exit 2 naming file:line, no database left', async (name, bad, message) => {
    const path = logWith(`${name.replaceAll(' ', '-')}.jsonl`, [...body.slice(0, 4), bad, ...body.slice(4)]);
    const out = join(dir, `${name.replaceAll(' ', '-')}.report.json`);
    const r = await runCli('traffic', 'scan', path, '--out', out, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(leftovers(path)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('an output into a missing folder is refused before the scan, and the other output is not written', async () => {
    const path = logWith('outputs.jsonl', body);
    const out = join(dir, 'outputs.report.json');
    const r = await runCli('traffic', 'scan', path, '--out', out, '--html', join(dir, 'no-such-folder', 'x.html'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-folder does not exist/);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(path)).toEqual([]);
  });

  it('a 100 MB line: exit 2 naming its line', async () => {
    const path = join(dir, 'huge.jsonl');
    writeFileSync(path, `${body.slice(0, 2).join('\n')}\n`);
    const chunk = 'x'.repeat(1 << 20);
    appendFileSync(path, '{"time":"2026-12-04T10:00:00Z","account":"a","ip":"1.2.3.4","endpoint":"/","status":200,"request":{"prompt":"');
    for (let i = 0; i < 100; i++) appendFileSync(path, chunk);
    appendFileSync(path, `"}}\n${body[3]}\n`);
    const r = await runCli('traffic', 'scan', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/huge\.jsonl:3: line is 100 MiB, longer than the 32 MiB limit/);
    expect(leftovers(path)).toEqual([]);
    rmSync(path);
  });

  it('an empty log: exit 2', async () => {
    const path = logWith('empty.jsonl', []);
    writeFileSync(path, '');
    const r = await runCli('traffic', 'scan', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/empty\.jsonl: empty log/);
    const blank = logWith('blank.jsonl', ['', '  ', '']);
    const b = await runCli('traffic', 'scan', blank);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/blank\.jsonl/);
    expect(leftovers(blank)).toEqual([]);
  });

  it('a missing log is exit 2; a database that cannot be written is exit 3 and leaves no temporary file', async () => {
    expect((await runCli('traffic', 'scan', join(dir, 'nope.jsonl'))).code).toBe(2);
    const path = logWith('blocked.jsonl', body);
    mkdirSync(`${path}.duckdb`); // a directory where the database must go
    const r = await runCli('traffic', 'scan', path);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/blocked\.jsonl\.duckdb: cannot write/);
    expect(leftovers(path)).toEqual(['blocked.jsonl.duckdb']);
  });

  it("skips the gateway log's integrity lines (open, checkpoint, close), and only those", async () => {
    const integrity = ['{"type":"open","time":"2026-12-04T09:59:00Z","kind":"exchanges"}', '{"type":"checkpoint","time":"2026-12-04T10:30:00Z","records":12,"head":"ab","signature":"cd"}'];
    const path = logWith('gateway-like.jsonl', [integrity[0]!, ...body.slice(0, 12).map((l) => l.replace('{', '{"type":"exchange",')), integrity[1]!, ...body.slice(12), '{"type":"close","time":"2026-12-04T11:00:00Z","exchanges":30}']);
    const r = await runCli('traffic', 'scan', path, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as TrafficReport;
    expect(report.exchanges).toBe(30);
    expect(report.inputs[0]!.badLines).toBe(0);
    const skipped = await runCli('traffic', 'scan', path, '--skip-bad-lines', '--json');
    expect((JSON.parse(skipped.stdout) as TrafficReport).inputs[0]!.badLines).toBe(0);
  });

  it('--skip-bad-lines counts and lists the bad lines, never drops them silently', async () => {
    const path = logWith('some-bad.jsonl', [...body.slice(0, 3), '{oops', ...body.slice(3, 10), good(3).replace('2026-12-04T10:03:00Z', 'soon'), ...body.slice(10)]);
    const r = await runCli('traffic', 'scan', path, '--skip-bad-lines', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as TrafficReport;
    expect(report.exchanges).toBe(30);
    expect(report.inputs[0]!.badLines).toBe(2);
    expect(report.inputs[0]!.badLineExamples.map((b) => b.line)).toEqual([4, 12]);
  });
});

describe('traffic scan: formats, mapping, cache and outputs', () => {
  const { records } = buildFixture({ seed: 'formats', benignAccounts: 60, lookalikes: false, campaigns: ['hydra'] });

  it('--map reads a log whose field names differ; CSV and Parquet exports give the same report', async () => {
    const mapped = join(dir, 'mapped.jsonl');
    writeFileSync(mapped, `${records.map((r) => JSON.stringify({ ts: r.time, user_id: r.account, client_ip: r.ip, ua: r.userAgent, endpoint: r.endpoint, status: r.status, body: r.request, response: r.response, keyId: r.keyId, payment: r.payment })).join('\n')}\n`);
    const map = 'time=ts,account=user_id,ip=client_ip,userAgent=ua,request=body';
    const a = await runCli('traffic', 'scan', mapped, '--map', map, '--json');
    expect(a.code, a.stderr).toBe(0);
    const fromMapped = JSON.parse(a.stdout) as TrafficReport;
    expect(fromMapped.exchanges).toBe(records.length);
    // The same log without the mapping lacks "account": a clear error, not an empty scan.
    const unmapped = await runCli('traffic', 'scan', mapped);
    expect(unmapped.code).toBe(2);
    expect(unmapped.stderr).toMatch(/mapped\.jsonl:1: missing field "account"/);

    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    const csv = join(dir, 'export.csv');
    const parquet = join(dir, 'export.parquet');
    const select = `SELECT ts, user_id, client_ip, ua, endpoint, status, body::VARCHAR AS body, response::VARCHAR AS response, keyId, payment
      FROM read_json('${mapped}', format = 'newline_delimited', columns = {ts: 'VARCHAR', user_id: 'VARCHAR', client_ip: 'VARCHAR', ua: 'VARCHAR', endpoint: 'VARCHAR', status: 'INTEGER', body: 'JSON', response: 'JSON', keyId: 'VARCHAR', payment: 'VARCHAR'})`;
    await c.run(`COPY (${select}) TO '${csv}' (HEADER)`);
    await c.run(`COPY (${select}) TO '${parquet}' (FORMAT parquet)`);
    c.closeSync();
    instance.closeSync();
    for (const file of [csv, parquet]) {
      const r = await runCli('traffic', 'scan', file, '--map', map, '--json');
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout) as TrafficReport;
      expect(rep.exchanges).toBe(records.length);
      expect(rep.accounts.map((x) => [x.account, x.flagged, x.cluster])).toEqual(fromMapped.accounts.map((x) => [x.account, x.flagged, x.cluster]));
      expect(rep.clusters.map((x) => x.log10PValue)).toEqual(fromMapped.clusters.map((x) => x.log10PValue));
    }
    // A CSV without a required column names it.
    const noAccount = join(dir, 'no-account.csv');
    writeFileSync(noAccount, 'ts,client_ip\n2026-12-04T10:00:00Z,1.2.3.4\n');
    const bad = await runCli('traffic', 'scan', noAccount, '--map', 'time=ts,ip=client_ip');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no column "account"/);
  });

  it('a second scan reuses the database; a changed log is ingested again', async () => {
    const path = join(dir, 'cache.jsonl');
    writeFixtureLog(path, { seed: 'cache', benignAccounts: 40, lookalikes: false });
    let stderr = '';
    const { main } = await import('@tracemark/cli');
    const run = async () => {
      stderr = '';
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((t: string) => ((stderr += t), true)) as typeof process.stderr.write;
      try {
        return await main(['traffic', 'scan', path], { stdout: () => {}, stderr: (t) => void (stderr += t) });
      } finally {
        process.stderr.write = write;
      }
    };
    expect(await run()).toBe(0);
    expect(stderr).toMatch(/exchanges ingested into/);
    expect(await run()).toBe(0);
    expect(stderr).toMatch(/already ingested/);
    appendFileSync(path, `${good(99)}\n`);
    expect(await run()).toBe(0);
    expect(stderr).toMatch(/exchanges ingested into/);
  });

  it('--sign writes a DSSE envelope naming every input by digest; --html embeds it in a self-contained page', async () => {
    // Enough benign accounts that the campaign is a small share (the population calibrates itself).
    const path = join(dir, 'signed.jsonl');
    writeFixtureLog(path, { seed: 'signed', benignAccounts: 300, lookalikes: false, campaigns: ['hydra'] });
    const signer = join(dir, 'signer.json');
    const pub = join(dir, 'signer.pub.json');
    expect((await runCli('signer', 'init', '--out', signer, '--public-out', pub)).code).toBe(0);
    const out = join(dir, 'signed.report.json');
    const html = join(dir, 'signed.report.html');
    const r = await runCli('traffic', 'scan', path, '--sign', signer, '--out', out, '--html', html);
    expect(r.code, r.stderr).toBe(0);
    const envelope = parseEnvelope(readFileSync(out, 'utf8'), out);
    const statement = openEnvelope<TrafficReport>(envelope, parsePublicKey(readFileSync(pub, 'utf8'), pub).publicKey, out);
    expect(statement.predicateType).toBe('https://tracemark.dev/attestation/traffic-scan-report/v1');
    expect(statement.subject).toEqual([{ name: `log:${path}`, digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } }]);
    expect(statement.predicate.clusters.some((c) => c.flagged)).toBe(true);
    const page = readFileSync(html, 'utf8');
    expect(JSON.parse(extractEnvelopeJson(page)!)).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    expect(page).toContain("default-src 'none'");
    expect(page).toContain('not proof of intent');
    expect(page).not.toMatch(/<script(?! type="application\/json")/);
    // --sign without --out is a usage error.
    expect((await runCli('traffic', 'scan', path, '--sign', signer)).code).toBe(2);
  });
});
