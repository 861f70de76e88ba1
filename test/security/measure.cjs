// Preloaded into a reef subprocess (node -r): writes its peak RSS (KiB) and run time (ms) on exit.
const { writeFileSync } = require('node:fs');
const out = process.env.REEF_MEASURE_FILE;
const t0 = process.hrtime.bigint();
if (out) {
  process.on('exit', () => {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    writeFileSync(out, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, ms }));
  });
}
