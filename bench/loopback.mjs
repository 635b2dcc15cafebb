// Loopback bench: the overhead bench's request over a real node:http keep-alive server on
// 127.0.0.1, with each library's default fetch (Node's undici). The server runs in a child
// process so that client and server each get a core; each library runs in a process of its own
// (bench/caller.mjs), one at a time. Concurrency 1 and 32; interleaved rounds,
// median kept; every slice is bounded in both calls and time. The figure that counts is the
// client's CPU time per request (this process only, the server is a child): req/s over a socket
// on a shared 2-core machine mostly measures the neighbours.
//
// Run alone: node bench/loopback.mjs [--smoke]      (server only: node bench/loopback.mjs --serve)
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { BODY, FLOOR, interleave, makeCallers, pairedRatio, PATH, spawnCallers } from "./overhead.mjs";

/** Starts the server in a child process; resolves with its base URL and a stop(). */
export async function startServer() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bench server did not start in 10 s")), 10_000);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
    child.stdout.setEncoding("utf8");
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const m = /port (\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  child.removeAllListeners("exit");
  return {
    base: `http://127.0.0.1:${port}/v1/`,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill();
      }),
  };
}

function serve() {
  const body = Buffer.from(BODY);
  const server = createServer((req, res) => {
    const ok = req.url?.startsWith(`/v1/${PATH}?`);
    res.writeHead(ok ? 200 : 404, { "content-type": "application/json", "content-length": ok ? body.length : 2 });
    res.end(ok ? body : "{}");
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.listen(0, "127.0.0.1", () => console.log(`port ${server.address().port}`));
  process.on("SIGTERM", () => process.exit(0));
}

/**
 * @returns {Promise<{ concurrency: number, settings: object, rows: object[] }[]>} rows as interleave() gives them
 */
export async function benchLoopback({ smoke = false } = {}) {
  const server = await startServer();
  try {
    const callers = await makeCallers({ base: server.base });
    const expected = JSON.stringify(JSON.parse(BODY));
    for (const c of callers) {
      const out = await c.call();
      if (JSON.stringify(out) !== expected) throw new Error(`${c.name}: loopback parsed ${JSON.stringify(out)}`);
    }
    // Each library in a process of its own (see bench/caller.mjs), with its own connection pool.
    const { callers: remote, stop } = await spawnCallers(callers.map((c) => c.name), { base: server.base });
    const results = [];
    try {
      for (const workers of [1, 32]) {
        const settings = smoke
          ? { rounds: 1, warmupMs: 20, settleMs: 0, ms: 30, maxCalls: 200, workers, clock: "cpu" }
          : { rounds: 11, warmupMs: 300, settleMs: 50, ms: 250, maxCalls: 20_000, workers, clock: "cpu" };
        results.push({ concurrency: workers, settings, rows: await interleave(remote, settings) });
      }
    } finally {
      await stop();
    }
    return results;
  } finally {
    await server.stop();
  }
}

if (process.argv.includes("--serve")) serve();
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { concurrency, rows } of await benchLoopback({ smoke: process.argv.includes("--smoke") })) {
    const floor = rows.find((r) => r.name === FLOOR);
    for (const r of rows) {
      console.log(`c=${concurrency} ${r.name.padEnd(10)} ${Math.round(r.wall.rps).toString().padStart(7)} req/s  client CPU ${(1e6 / r.cpu.rps).toFixed(0)} µs/req, ${pairedRatio(r, floor, "cpu").toFixed(3)}x floor`);
    }
  }
}
