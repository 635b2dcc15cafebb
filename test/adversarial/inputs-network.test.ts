// A network error says why in its own message: undici's TypeError says only "fetch failed" (or
// "terminated" when a body is cut) and keeps the real reason one or two `cause` levels down,
// or in an AggregateError's `errors`. The NetworkError's message, String() and toJSON() carry
// the innermost reason (code and message), bounded, with URLs and the request's secrets masked.
// Real loopback sockets that close, reset or refuse; bounded, each server closed after use.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createClient, NetworkError } from "../../src/index.js";
import { describeCause } from "../../src/errors/network-error.js";

const TOKEN = "tok-NETWORK-SECRET-1";
const QUERY_SECRET = "QUERY-NETWORK-SECRET-2";
const servers: net.Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A raw TCP server on 127.0.0.1 that does `onData(socket)` when the request arrives. */
async function rawServer(onData: (socket: net.Socket) => void): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => onData(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The NetworkError of one GET (no retry) with a token and a secret query value. */
async function failure(base: string, read: "text" | "response" = "text"): Promise<NetworkError> {
  const api = createClient({ baseUrl: base, retry: false, token: TOKEN, timeout: "5s" });
  const promise = api.get("items", { query: { api_key: QUERY_SECRET } });
  const error = await (read === "text" ? promise.text() : promise.then((r) => r.text())).then(
    () => new Error("the request succeeded"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NetworkError);
  return error as NetworkError;
}

/** Every form a log shows, each checked to hold `reason` and no secret. */
function expectReadable(error: NetworkError, reason: RegExp): void {
  const forms = { message: error.message, "String()": String(error), "toJSON().message": String(error.toJSON().message), "JSON.stringify": JSON.stringify(error) };
  for (const [form, text] of Object.entries(forms)) {
    expect(text, form).toMatch(reason);
    expect(text, form).not.toContain(TOKEN);
    expect(text, form).not.toContain(QUERY_SECRET);
  }
  expect(error.message.length).toBeLessThan(600);
  // The runtime's error is still there, whole.
  expect(error.cause).toBeInstanceOf(Error);
}

describe("NetworkError messages from real sockets", { timeout: 15_000 }, () => {
  it("the server closes the connection: UND_ERR_SOCKET: other side closed", async () => {
    const error = await failure(await rawServer((socket) => socket.destroy()));
    expectReadable(error, /failed with a network error: fetch failed: UND_ERR_SOCKET: other side closed/);
  });

  it("the server resets the connection: read ECONNRESET", async () => {
    const error = await failure(await rawServer((socket) => socket.resetAndDestroy()));
    expectReadable(error, /: fetch failed: read ECONNRESET/);
  });

  it("the body is cut by a reset: terminated: read ECONNRESET", async () => {
    const base = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1000\r\n\r\nhalf");
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
    const error = await failure(base, "response");
    expectReadable(error, /terminated: read ECONNRESET/);
  });

  it("the server answers garbage: the parser's code and message", async () => {
    const error = await failure(await rawServer((socket) => socket.end("HELLO\r\n\r\n")));
    expectReadable(error, /HPE_INVALID_CONSTANT: Response does not match the HTTP\/1\.1 protocol/);
  });

  it("nothing listens: connect ECONNREFUSED with the address", async () => {
    const port = await closedPort();
    const error = await failure(`http://127.0.0.1:${port}`);
    expectReadable(error, new RegExp(`connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
  });
});

describe("describeCause: the chain read safely", () => {
  it("follows cause.cause to the innermost reason, and AggregateError's errors", () => {
    const deep = new TypeError("fetch failed", { cause: new Error("outer", { cause: Object.assign(new Error("other side closed"), { code: "ECONNRESET" }) }) });
    expect(describeCause(deep)).toBe("fetch failed: ECONNRESET: other side closed");
    const aggregate = Object.assign(
      new AggregateError([Object.assign(new Error("connect ECONNREFUSED ::1:80"), { code: "ECONNREFUSED" }), Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:80"), { code: "ECONNREFUSED" })], ""),
      { code: "ECONNREFUSED" },
    );
    expect(describeCause(new TypeError("fetch failed", { cause: aggregate }))).toBe("fetch failed: connect ECONNREFUSED ::1:80; connect ECONNREFUSED 127.0.0.1:80");
    const many = new AggregateError(Array.from({ length: 10 }, (_, i) => new Error(`e${i}`)), "all failed");
    expect(describeCause(many)).toBe("all failed: e0; e1; e2; and 7 more");
  });

  it("takes what a runtime or a custom fetch throws: strings, plain objects, codes alone, cycles", () => {
    expect(describeCause("boom")).toBe("boom");
    expect(describeCause({ code: "ConnectionRefused", message: "Unable to connect" })).toBe("ConnectionRefused: Unable to connect");
    expect(describeCause(Object.assign(new Error(""), { code: "EPIPE" }))).toBe("EPIPE");
    expect(describeCause(undefined)).toBe("unknown reason");
    const a: { message: string; cause?: unknown } = { message: "a" };
    const b = { message: "b", cause: a };
    a.cause = b;
    expect(describeCause(a)).toMatch(/^a(: b)?$/);
  });

  it("masks URLs' secrets and the request's secret header values, and stays short", () => {
    const url = `https://user:pw-SECRET@api.example.com/x?api_key=${QUERY_SECRET}`;
    const request = new Request("https://api.example.com/x", { headers: { authorization: `Bearer ${TOKEN}`, "x-api-key": "APIKEY-SECRET-3" } });
    const cause = new TypeError(`error sending request for url (${url}): bad header ${TOKEN} / APIKEY-SECRET-3`);
    const reason = describeCause(cause, request);
    for (const secret of ["pw-SECRET", QUERY_SECRET, TOKEN, "APIKEY-SECRET-3"]) expect(reason).not.toContain(secret);
    expect(reason).toContain("https://REDACTED@api.example.com/x?api_key=[REDACTED]");
    const long = describeCause(new Error("x".repeat(1 << 20)));
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long.endsWith("...")).toBe(true);
  });
});
