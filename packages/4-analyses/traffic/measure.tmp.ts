import { simulateTrafficSync } from '/work/wt-traffic-sim/packages/4-analyses/traffic/src/index.ts';
const o = JSON.parse(process.argv[2]);
const t0 = performance.now(); let bytes = 0; let i = 0;
for (const r of simulateTrafficSync(o)) { bytes += Buffer.byteLength(JSON.stringify(r)) + 1; i++; if (i % 1_000_000 === 0) console.error(i, Math.round((performance.now() - t0) / 1000), 's', Math.round(process.memoryUsage().rss / 2 ** 20), 'MiB'); }
const s = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ n: i, s, perSec: Math.round(i / s), bytes, avgBytes: bytes / i, cpuS: process.cpuUsage().user / 1e6 }));
