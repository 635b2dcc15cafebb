/**
 * Hostile bodies through the stream decoders: a line that never ends, `data:` lines that
 * never make an event. The decoders must stop at their limit with a LimitError, cancel
 * the body (the server sees its socket close) and hold memory proportional to the limit,
 * not to what the server would send. Every server here is bounded: it stops after
 * MAX_SEND bytes or MAX_MS, whichever comes first, and writes only when the socket drains.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { lines, ndjson, sse } from "../../src/decode/index.js";
import { LimitError, isLimitError } from "../../src/errors/limit-error.js";
import { isTierfetchError } from "../../src/errors/tierfetch-error.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 64 * KiB;
/** The most any hostile server sends before it gives up (it should be stopped long before). */
const MAX_SEND = 96 * MiB;
const MAX_MS = 8_000;
/**
 * How far past the limit the server may get before it sees the close: the socket buffers on
 * both sides of the loopback plus the fetch body's queue. Well under MAX_SEND, so a decoder
 * that does not stop (or does not cancel) fails the bound.
 */
const SLACK = 16 * MiB;

interface Hostile {
  url: string;
  /** Bytes the server managed to write before the client went away (or it gave up). */
  sent(): number;
  /** Resolves with how the response ended: "closed" by the client, or "ended" by the server. */
  finished: Promise<"closed" | "ended">;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server streaming `head`, then `piece` over and over, in 64 KiB writes. */
async function hostile(head: string, piece: string, contentType = "text/plain"): Promise<Hostile> {
  const block = Buffer.from(piece.repeat(Math.ceil(CHUNK / piece.length))).subarray(0, CHUNK);
  let sent = 0;
  let settle!: (how: "closed" | "ended") => void;
  const finished = new Promise<"closed" | "ended">((r) => (settle = r));
  const server = createServer((_req, res: ServerResponse) => {
    res.writeHead(200, { "content-type": contentType });
    const started = Date.now();
    let done = false;
    res.on("close", () => {
      if (!done) settle("closed");
      done = true;
    });
    const pump = (): void => {
      while (!done) {
        if (sent >= MAX_SEND || Date.now() - started > MAX_MS) {
          done = true;
          res.end();
          settle("ended");
          return;
        }
        sent += block.length;
        if (!res.write(block)) {
          res.once("drain", pump);
          return;
        }
      }
    };
    sent += Buffer.byteLength(head);
    res.write(head);
    pump();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, sent: () => sent, finished };
}

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("resolved instead of rejecting");
}

async function drain(iter: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iter) n++;
  return n;
}

/** The limit was hit, the server saw the client go away, and it sent not far past the limit. */
async function expectStopped(error: unknown, server: Hostile, kind: "line" | "event", limit: number) {
  expect(error).toBeInstanceOf(LimitError);
  expect(isLimitError(error)).toBe(true);
  expect(isTierfetchError(error)).toBe(true);
  const e = error as LimitError;
  expect(e.code).toBe("ERR_LIMIT");
  expect(e.kind).toBe(kind);
  expect(e.limit).toBe(limit);
  expect(await server.finished).toBe("closed");
  expect(server.sent()).toBeLessThan(limit + SLACK);
}

describe("a line that never ends", { timeout: 20_000 }, () => {
  it("lines() rejects with a LimitError at maxLineBytes and closes the connection", async () => {
    const server = await hostile("first\nsecond\n", "x");
    const limit = 1 * MiB;
    const got: string[] = [];
    const error = await rejection(async () => {
      for await (const line of lines(await fetch(server.url), { maxLineBytes: limit })) got.push(line);
    });
    expect(got).toEqual(["first", "second"]);
    await expectStopped(error, server, "line", limit);
  });

  it("lines() stops at the default of 8 MiB", async () => {
    const server = await hostile("", "y");
    const error = await rejection(async () => drain(lines(await fetch(server.url))));
    await expectStopped(error, server, "line", 8 * MiB);
  });

  it("a line of multi-byte characters is measured in UTF-8 bytes", async () => {
    // 3 bytes per character: 1 MiB of bytes is about 350,000 characters.
    const server = await hostile("", "東");
    const limit = 1 * MiB;
    const error = await rejection(async () => drain(lines(await fetch(server.url), { maxLineBytes: limit })));
    await expectStopped(error, server, "line", limit);
  });

  it("ndjson() rejects with a LimitError (an endless JSON string) and closes the connection", async () => {
    const server = await hostile('{"ok":1}\n{"s":"', "z");
    const limit = 512 * KiB;
    const got: unknown[] = [];
    const error = await rejection(async () => {
      for await (const row of ndjson(await fetch(server.url), { maxLineBytes: limit })) got.push(row);
    });
    expect(got).toEqual([{ ok: 1 }]);
    await expectStopped(error, server, "line", limit);
  });

  it("sse() rejects an endless line (a comment here) at maxEventBytes", async () => {
    const server = await hostile("data: a\n\n:", "c", "text/event-stream");
    const limit = 1 * MiB;
    const got: string[] = [];
    const error = await rejection(async () => {
      for await (const e of sse(await fetch(server.url), { maxEventBytes: limit })) got.push(e.data);
    });
    expect(got).toEqual(["a"]);
    await expectStopped(error, server, "event", limit);
  });
});

describe("data: lines that never make an event", { timeout: 20_000 }, () => {
  it("sse() rejects with a LimitError at maxEventBytes and closes the connection", async () => {
    const line = `data: ${"d".repeat(58)}\n`; // 64 bytes: 1,024 data lines per 64 KiB write
    const server = await hostile("data: first\n\n", line, "text/event-stream");
    const limit = 2 * MiB;
    const got: string[] = [];
    const error = await rejection(async () => {
      for await (const e of sse(await fetch(server.url), { maxEventBytes: limit, lastEventId: "7" })) got.push(`${e.id}:${e.data}`);
    });
    expect(got).toEqual(["7:first"]);
    await expectStopped(error, server, "event", limit);
  });

  it("sse() stops at the default of 16 MiB", async () => {
    const server = await hostile("", "data: 0123456789abcdef0123456789abcdef0123456789abcdef012345678\n", "text/event-stream");
    const error = await rejection(async () => drain(sse(await fetch(server.url))));
    await expectStopped(error, server, "event", 16 * MiB);
  });

  it("empty data: lines count too (each adds a \\n to the data)", async () => {
    const server = await hostile("", "data\n", "text/event-stream");
    const limit = 256 * KiB;
    const error = await rejection(async () => drain(sse(await fetch(server.url), { maxEventBytes: limit })));
    await expectStopped(error, server, "event", limit);
  });
});
