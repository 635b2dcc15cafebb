// Type tests: what a consumer writes against the published declarations (dist/*.d.ts), checked
// by test/types/run.mjs with TypeScript 5.0 and 5.9, moduleResolution bundler and node16,
// lib es2022 + dom, skipLibCheck false. Every `@ts-expect-error` must be an error (an unused
// one is itself an error, TS2578), and everything else must compile.
import {
  createClient, tierfetch, parseDuration, lines, ndjson, sse, paginate, trackUpload, validateJson, ResponsePromise,
  TierfetchError, HttpError, TimeoutError, NetworkError, isTimeoutError, isHttpError,
  type Client, type ClientOptions, type UploadTracker, type Progress, type StandardSchemaV1, type RequestOptions, type Duration, type TierName, type TimeoutOption,
  type Input, type PageContext, type PaginateOptions, type ServerSentEvent, type Stats,
} from "tierfetch";

interface User { id: number; name: string }
interface UsersPage { data: User[]; nextCursor?: string }

// ---- durations and timeouts -------------------------------------------------------------

const durations: Duration[] = [
  0, 250, 1.5, "32ms", "1.5s", ".5s", "1m30s", "2h 37min", "5 s", "1M", "3 weeks", "10sec", "100us", "1ns", "2y",
  "1h 2m 3s", "90 seconds", "1 day 2 hours", "7d", "1w", "6 months", "250msec", "2hr",
];
const timeouts: TimeoutOption[] = ["short", "medium", "long", "none", 1500, "1.5s", "1m30s", "2h 37min", ...durations];
const tiers: TierName[] = ["short", "medium", "long"];

// @ts-expect-error a typo of a tier name
createClient({ timeout: "shrt" });
// @ts-expect-error a typo of a tier name, per request
tierfetch.get("x", { timeout: "meduim" });
// @ts-expect-error a number in a string needs a unit
tierfetch.get("x", { timeout: "1500" });
// @ts-expect-error an unknown unit
const badUnit: Duration = "5 parsecs";
// @ts-expect-error an empty string is no duration
const empty: Duration = "";
// @ts-expect-error idleTimeout is a Duration, not a tier
tierfetch.get("x", { idleTimeout: "short" });
// @ts-expect-error "none" is a timeout, not a Duration
const noneDuration: Duration = "none";
// @ts-expect-error a tier length is a Duration
createClient({ timeouts: { short: "quick" } });
// @ts-expect-error retry delays are Durations
createClient({ retry: { minDelay: "soon" } });
// @ts-expect-error there is no such tier
const notATier: TierName = "huge";

// parseDuration parses what arrives at run time (a flag, an env variable): any string.
declare const fromEnv: string;
const ms: number = parseDuration(fromEnv) + parseDuration("2h 37min") + parseDuration(250);

// ---- client options, pass-through fields ------------------------------------------------

declare const undiciAgent: { dispatch(...args: unknown[]): boolean };
declare const denoHttpClient: { close(): void };

const options: ClientOptions = {
  baseUrl: "https://api.example.com/v2/",
  token: ({ refresh }) => (refresh ? "new" : "old"),
  headers: { "x-app": "demo", "x-drop": undefined },
  query: { locale: "en", tags: ["a", "b"], since: new Date(0), n: 1, none: null },
  timeouts: { short: "5s", medium: 30_000, long: "6m", max: "15m" },
  timeout: "medium",
  idleTimeout: "30s",
  retry: { maxRetries: 2, minDelay: "250ms", maxDelay: "1m30s", deadline: "2h 37min", budget: { ratio: 0.1, window: "10s" } },
  hooks: { beforeRequest: [({ request }) => request], beforeRetry: [() => true], afterResponse: [], beforeError: [(e) => e] },
  fetch: (input, init) => fetch(input, init),
  throwHttpErrors: true,
  allowHttp: false,
  credentials: "include",
  redirect: "follow",
  cache: "no-store",
  priority: "high",
  // Runtime pass-through keys the README names.
  dispatcher: undiciAgent,
};
const api: Client = createClient(options);
createClient({ retry: false });
createClient({ retry: 3 });
createClient({ fetch: globalThis.fetch });

// @ts-expect-error a typo of an option (excess property)
createClient({ retires: 0 });
// @ts-expect-error a typo of an option, per request
tierfetch.get("x", { timout: 5 });
// @ts-expect-error token is a string or a function
createClient({ token: 42 });

// ---- requests ---------------------------------------------------------------------------

export async function requests(signal: AbortSignal): Promise<void> {
  const user: User = await api.get<User>("users/42").json();
  const typed: User = await api.get("users/42").json<User>();
  const res: Response = await api.post("orders", { json: { id: 1 }, idempotencyKey: true, signal });
  const text: string = await api.get("x").text();
  const bytes: Uint8Array = await api.get("x").bytes();
  const blob: Blob = await api.get("x").blob();
  const buffer: ArrayBuffer = await api.get("x").arrayBuffer();
  await api.put("x", { body: new Uint8Array([1]), timeout: "long" });
  await api.patch("x", { body: "text", timeout: "none", idleTimeout: "30s" });
  await api.delete("x", { timeout: 1500 });
  await api.head("x");
  await api.options("x");
  await api.request("PURGE", "x", { query: new URLSearchParams({ a: "1" }) });

  // Input: a path, a URL or a Request.
  const inputs: Input[] = ["users", new URL("https://api.example.com/"), new Request("https://api.example.com/")];
  await api.get(new URL("https://api.example.com/users"));
  await api.get(new Request("https://api.example.com/users"));
  await api.post(new Request("https://api.example.com/users", { method: "POST" }), { json: {} });

  // Runtime pass-through keys, per request: Workers' cf, undici's dispatcher, Deno's client.
  await api.get("x", { cf: { cacheTtl: 60, cacheEverything: true } });
  await api.get("x", { dispatcher: undiciAgent });
  await api.get("x", { client: denoHttpClient });

  for await (const line of lines(api.get("x"))) { const s: string = line; }
  for await (const row of ndjson<User>(api.get("x"))) { const u: User = row; }
  for await (const event of sse(api.get("x"))) { const e: ServerSentEvent = event; const d: string = event.data; }
  for await (const line of lines(res)) { const s: string = line; }
  for await (const row of ndjson<User>(res.body!)) { const u: User = row; }
  for await (const event of sse(res)) { const id: string = event.id; }

  // @ts-expect-error a number is no URL
  api.get(42);
  // @ts-expect-error a plain object is no body (that is what `json` is for)
  api.get("x", { body: { a: 1 } });

  // api.fetch has the global fetch's type: any SDK that takes a custom fetch accepts it.
  const asFetch: typeof fetch = api.fetch;
  const fetched: Response = await api.fetch(new Request("https://api.example.com/"), { method: "POST", body: "x" });

  const stats: Stats = api.stats;
  const calls: number = stats.calls;
  const child: Client = api.extend({ headers: { "x-child": "1" } });
  await child.close();
}

// ---- errors -----------------------------------------------------------------------------

export function errors(error: unknown): string {
  if (isTimeoutError(error)) {
    const tier: TierName | undefined = error.tier;
    const ms: number = error.timeout;
    // @ts-expect-error tier is a tier name, not any string
    const wrong = error.tier === "shrt";
    return `${tier} ${ms} ${error.kind}`;
  }
  if (error instanceof TimeoutError) {
    // @ts-expect-error a tier name or undefined, never a number
    const n: number = error.tier;
  }
  if (isHttpError(error)) return `${error.status} ${error.response.status}`;
  if (error instanceof HttpError || error instanceof NetworkError) return error.code;
  if (error instanceof TierfetchError) return `${error.code} ${error.attempts}`;
  return "";
}

// ---- pagination -------------------------------------------------------------------------

export async function pages(): Promise<void> {
  // The README's form: items and next see the body as the same type (any unless told).
  for await (const user of paginate<User>(api, "users", {
    items: (body) => body.data,
    next: ({ body, options }) => (body.nextCursor ? { query: { ...options.query, cursor: body.nextCursor } } : null),
    pageLimit: 10,
  })) {
    const name: string = user.name;
  }

  // The page type given once: items and next agree on it, and T comes from items.
  for await (const user of paginate(api, "users", {
    items: (body: UsersPage) => body.data,
    next: ({ body }) => (body.nextCursor ? { query: { cursor: body.nextCursor } } : null),
  })) {
    const id: number = user.id;
  }
  const paged: PaginateOptions<User, UsersPage> = {
    items: (body) => body.data,
    // @ts-expect-error next sees the same body type as items: UsersPage has no `cursor`
    next: ({ body }) => body.cursor,
  };
  const context = (page: PageContext<User, UsersPage>): string | undefined => page.body.nextCursor;
  for await (const user of paginate<User>(api, "users", { limit: 500 })) { const u: User = user; }
  // @ts-expect-error paginate follows URLs; a Request (with its method and body) is no page URL
  paginate(api, new Request("https://api.example.com/users"));
}

// ---- one factory: buffered shortcuts on the promise, every other feature an imported function

declare const UserSchema: StandardSchemaV1<unknown, User>;

export async function features(): Promise<void> {
  const promise: ResponsePromise<User> = api.get<User>("users/42");
  const asPromise: Promise<Response> = promise;
  const child: Client = api.extend({ headers: { "x-child": "1" } });
  const fromChild: ResponsePromise<User> = child.get<User>("users/42");

  // No streaming method on a ResponsePromise: the readers are functions that take it.
  // @ts-expect-error no .sse() method: sse(api.get(u))
  api.get("x").sse();
  // @ts-expect-error no .lines() method: lines(api.get(u))
  api.get("x").lines();
  // @ts-expect-error no .ndjson() method: ndjson(api.get(u))
  api.get("x").ndjson();
  // @ts-expect-error no paginate member: paginate(api, url)
  api.paginate("users");

  // sse() on a client's promise: the request options, reconnection included.
  for await (const event of sse(api.get("events"), { reconnect: true, anyContentType: true, maxEventBytes: 1 << 20 })) { const e: ServerSentEvent = event; }
  for await (const event of sse(child.get("events"), { reconnect: false })) { const id: string = event.id; }
  const res: Response = await api.get("events");
  // On a Response or a stream: the decoder's options.
  for await (const event of sse(res, { lastEventId: "41", maxEventBytes: 1024 })) { const d: string = event.data; }
  for await (const event of sse(res.body!)) { const d: string = event.data; }
  // On any other promise of a Response.
  for await (const event of sse(fetch("https://api.example.com/events"))) { const d: string = event.data; }
  // @ts-expect-error a Response cannot reconnect: there is no request to send again
  sse(res, { reconnect: true });
  // @ts-expect-error nor a promise no client made
  sse(fetch("https://api.example.com/events"), { reconnect: true });
  // @ts-expect-error a typo of an sse() option
  sse(api.get("events"), { reconect: true });
  // Without reconnection a request's stream takes the decoder's lastEventId too.
  for await (const event of sse(api.get("events"), { lastEventId: "1", anyContentType: true })) { const id: string = event.id; }
  // @ts-expect-error a reconnecting stream keeps its own last event id
  sse(api.get("events"), { reconnect: true, lastEventId: "1" });
  for await (const line of lines(api.get("x"), { maxLineBytes: 1024 })) { const s: string = line; }
  for await (const row of ndjson<User>(fetch("https://api.example.com/rows"))) { const u: User = row; }

  // validateJson: the JSON body through a Standard Schema.
  const user: User = await validateJson(api.get("users/42"), UserSchema);
  const again: User = await validateJson(res, UserSchema);
  // @ts-expect-error .json() takes no schema: validateJson(p, schema)
  api.get("users/42").json(UserSchema);

  // Upload progress: an option whose value only trackUpload() makes.
  const tracker: UploadTracker = trackUpload((p: Progress) => console.log(p.loaded, p.total, p.percent));
  await api.post("files", { body: new Blob(["x"]), onUploadProgress: tracker });
  await child.put("files", { body: "x", onUploadProgress: trackUpload(({ percent }) => console.log(percent)) });
  // @ts-expect-error a plain function is no upload tracker: it would be refused at run time
  api.post("files", { body: "x", onUploadProgress: (p: Progress) => console.log(p) });
  // @ts-expect-error trackUpload takes the progress callback
  trackUpload();
}
