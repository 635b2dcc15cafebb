// One library's request in a loop, alone in this process, optionally under the CPU profiler:
// what bench/profile.mjs runs (under each Node, with V8 flags of its choosing). Prints a human
// line, then the slice's JSON result (see slice() in overhead.mjs) as the last line.
//
// Usage: node [v8 flags] bench/profile-run.mjs --profile <name> [seconds] [--loopback CONCURRENCY] [--write-profile FILE]
//   --loopback: over bench/loopback.mjs's server with the library's default fetch (else the in-memory fetch)
//   --write-profile: a CPU profile (inspector, 250 µs sampling) of the measured slice only
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { startServer } from "./loopback.mjs";
import { makeCallers, memoryFetch, slice } from "./overhead.mjs";

const only = process.argv.indexOf("--profile");
const name = process.argv[only + 1] ?? "tierfetch";
const seconds = Number(process.argv[only + 2] ?? 8);
const li = process.argv.indexOf("--loopback");
const workers = li === -1 ? 1 : Number(process.argv[li + 1]);
const server = li === -1 ? undefined : await startServer();
const [caller] = await makeCallers(server ? { base: server.base, only: name } : { fetchImpl: memoryFetch, only: name });
if (!caller) throw new Error(`no caller named ${name}`);
await slice(caller.call, { ms: 500, workers }); // warm-up, as in the bench
const pi = process.argv.indexOf("--write-profile");
const session = pi === -1 ? undefined : new Session();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
if (session) {
  session.connect();
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 250 });
  await post("Profiler.start");
}
const out = await slice(caller.call, { ms: seconds * 1000, workers });
await server?.stop();
if (session) {
  const { profile } = await post("Profiler.stop");
  writeFileSync(process.argv[pi + 1], JSON.stringify(profile));
  session.disconnect();
}
console.log(`${name}: ${Math.round(out.wall)} req/s (${Math.round(out.cpu)} per CPU-second) over ${seconds} s, GC ${((out.gcMs * 1000) / out.made).toFixed(2)} µs/req`);
console.log(JSON.stringify({ name, ...out }));
