// The timed part of `npm run bench` for one Node binary: the in-memory overhead bench and the
// loopback bench, printed as one JSON line on stdout. bench/run.mjs runs this under each Node
// version in turn (never two at once: the loopback server needs the second core).
//
// Run alone: node bench/speed.mjs [--smoke]
import { benchLoopback } from "./loopback.mjs";
import { benchOverhead } from "./overhead.mjs";

const smoke = process.argv.includes("--smoke");
const strip = (rows) => rows.map(({ name, wall, cpu, gcUs, majorPer1k }) => ({ name, wall, cpu, gcUs, majorPer1k }));
const overhead = await benchOverhead({ smoke });
const loopback = await benchLoopback({ smoke });
console.log(
  JSON.stringify({
    node: process.version,
    overhead: { settings: overhead.settings, rows: strip(overhead.rows) },
    loopback: loopback.map((l) => ({ concurrency: l.concurrency, settings: l.settings, rows: strip(l.rows) })),
  }),
);
