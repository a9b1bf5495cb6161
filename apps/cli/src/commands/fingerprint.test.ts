import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { echoResponder, startOpenAiTestServer } from '@tracemark/probe/testing';
import { fingerprint, fingerprintJson, renderFingerprint } from './fingerprint.ts';
import { probe } from './probe.ts';

const files: Record<string, string> = {};
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tracemark-fp-cmd-'));
  const suite = join(dir, 'suite.json');
  const probes = Array.from({ length: 12 }, (_, i) => ({ id: `q${i}`, category: i < 4 ? 'identity' : 'style', prompt: `tell me about topic ${i}` }));
  await writeFile(suite, JSON.stringify({ format: 'tracemark.probe-suite', name: 'fp', version: '1', defaults: { maxTokens: 12 }, probes }));
  const server = await startOpenAiTestServer({ responder: echoResponder() });
  for (const m of ['suspect', 'teacher', 'ref-a', 'ref-b']) {
    files[m] = join(dir, `${m}.jsonl`);
    await probe({ endpoint: server.url, model: m, suite, samples: 2, seed: 1, out: files[m], quiet: true });
  }
  await server.close();
});

describe('fingerprint command', () => {
  it('renders the per-measure table, the evidence and an explicit inconclusive verdict with what is needed', async () => {
    const r = await fingerprint({ suspect: files.suspect!, teacher: files.teacher!, references: [files['ref-a']!, files['ref-b']!], alpha: 1e-3, permutations: 19, quiet: true });
    expect(r.verdict).toBe('inconclusive');
    const text = renderFingerprint(r);
    expect(text).toMatch(/^suite fp@1 \(sha256:/);
    expect(text).toMatch(/phrases\s+\S+\s+\d+\s+\d+\/\d+ \(r /);
    expect(text).toContain('identity: the teacher names no vendor');
    expect(text).toMatch(/verdict: INCONCLUSIVE\n {2}- too few probes to reach alpha 0.001/);
    expect(JSON.parse(JSON.stringify(fingerprintJson(r)))).toMatchObject({ verdict: 'inconclusive', probes: { used: 12 }, needed: { probes: expect.any(Number) } });
  });

  it('accepts the measure subset and the sign test', async () => {
    const r = await fingerprint({ suspect: files.suspect!, teacher: files.teacher!, references: [files['ref-a']!, files['ref-b']!], alpha: 0.05, measures: ['phrases', 'edit'], test: 'sign', permutations: 0, quiet: true });
    expect(r.measures).toEqual(['phrases', 'edit']);
    expect(r.comparisons.every((c) => c.test === 'sign')).toBe(true);
    expect(r.equality).toBeNull();
  });
});
