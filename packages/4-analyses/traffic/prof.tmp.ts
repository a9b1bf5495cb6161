import { simulateTrafficSync } from './src/index.ts';
const n = Number(process.argv[2]);
const t0 = performance.now(); let bytes = 0; let i = 0;
for (const r of simulateTrafficSync({ exchanges: n, accounts: Number(process.argv[3] ?? 2000), responseText: (process.argv[4] ?? 'full') as 'full' })) { bytes += JSON.stringify(r).length + 1; i++; }
const s = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ n: i, s, perSec: Math.round(i / s), avgBytes: bytes / i, cpu: process.cpuUsage(), rssMiB: process.memoryUsage().rss / 2 ** 20 }));
