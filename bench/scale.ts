/**
 * The scale suite (issue 15): the attribution kernel, detection ÷ tokenization, and distributed
 * detection and account attribution on BullMQ. Sizes can be lowered with TRACEMARK_BENCH_SCALE_MB (detection and
 * distributed input, MiB) on a busy machine.
 *
 *     pnpm bench scale
 */
import { type BenchSection } from './lib.ts';
import { benchScaleAttribution } from './scale-attribution.ts';
import { benchScaleDetect } from './scale-detect.ts';
import { benchAuditDistributed, benchScaleDistributed } from './scale-distributed.ts';

export async function benchScale(): Promise<BenchSection[]> {
  const mb = Number(process.env.TRACEMARK_BENCH_SCALE_MB ?? 0);
  return [
    ...(await benchScaleAttribution()),
    ...(await benchScaleDetect(mb > 0 ? { bytes: mb * 2 ** 20 } : {})),
    ...(await benchScaleDistributed(mb > 0 ? { bytes: mb * 2 ** 20 } : { bytes: 16 * 2 ** 20 })),
    ...(await benchAuditDistributed()),
  ];
}
