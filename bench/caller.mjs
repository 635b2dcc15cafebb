// One library's caller in a process of its own, for bench/overhead.mjs and bench/loopback.mjs:
// every library then runs as in a user's process (its own heap, GC and pretenuring state, its own
// inline caches and connection pool), while the parent interleaves the libraries' slices so that
// only one runs at a time and the machine's drift hits all alike.
//
// Protocol: each stdin line is the JSON options of one slice ({ ms, maxCalls, workers }); each
// stdout line is that slice's JSON result (see slice() in overhead.mjs). Exits when stdin ends.
//
// Usage (by spawnCaller only): node bench/caller.mjs <name> [<base URL>: loopback, default fetch]
import { createInterface } from "node:readline";
import { makeCallers, memoryFetch, slice } from "./overhead.mjs";

const [name, base] = process.argv.slice(2);
const [caller] = await makeCallers(base ? { base, only: name } : { fetchImpl: memoryFetch, only: name });
if (!caller) throw new Error(`caller.mjs: no caller named ${name}`);
await caller.call(); // fails here, not mid-bench, when the library cannot make this request

const lines = createInterface({ input: process.stdin });
process.stdout.write("ready\n");
for await (const line of lines) {
  const out = await slice(caller.call, JSON.parse(line));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
