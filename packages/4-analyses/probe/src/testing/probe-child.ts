/**
 * A child-process entry point for crash tests: runs `runProbe` with the JSON options in argv[2]
 * (suite: "default" or a small suite size) so a test can SIGKILL it mid-run — a real crash, with
 * no chance to flush or clean up — and check that a rerun completes the transcript.
 */
import { loadBuiltinSuite } from '@tracemark/fingerprint';
import { runProbe } from '../run-probe.ts';
import { smallSuite } from './small-suite.ts';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  endpoint: string;
  model: string;
  out: string;
  suite: 'default' | number;
  samples: number;
  seed: number;
  concurrency: number;
  timeoutMs: number;
};
await runProbe({
  endpoint: o.endpoint,
  model: o.model,
  out: o.out,
  suite: o.suite === 'default' ? loadBuiltinSuite() : smallSuite(o.suite),
  samples: o.samples,
  seed: o.seed,
  concurrency: o.concurrency,
  timeoutMs: o.timeoutMs,
  retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 20, maxRetryAfterMs: 2000 },
});
