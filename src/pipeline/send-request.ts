/**
 * Sending one attempt's request: the beforeRequest hooks, fetch, and the redirects the client
 * follows (their rules in redirects.ts), each request announced to the attempt listeners as a
 * hop. Every wait is bounded by the attempt (its signal, close(), its timer).
 */
import type { LiveAttempt as Attempt } from "./attempt-state.js";
import { headerEntries, type HeaderRecord } from "../http/headers.js";
import { optionError } from "../options/option-error.js";
import type { FetchFunction } from "../options/options.js";
import { RedirectError } from "../errors/redirect-error.js";
import { isRedirect, isRedirectStatus, markRedirected, nextHop, type Hop, type RedirectRules } from "./redirects.js";
import { noop } from "../resilience/timers.js";
import { hopInit } from "./prepare-request.js";
import { IN_BROWSER } from "../http/runtime.js";

/** beforeRequest hooks, fetch, and the redirects the client follows. */
export async function sendRequest(attempt: Attempt, hop: Hop): Promise<Response> {
  const { plan } = attempt;
  const { ctx } = attempt.state;
  const { signal } = attempt.controller;
  const fetchImpl: FetchFunction = attempt.uploadFetch ?? plan.config.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") throw optionError("fetch", "is needed: this runtime has no fetch");
  let response: Response | undefined;
  let input: Request | string = hop.url;
  const init = hopInit(plan, hop, signal);
  // A browser holds a second request for the same URL until the first one's answer is cached
  // (Chromium's and Firefox's cache lock): a hedge copy goes around the cache, or it waits for the
  // very request it was sent to overtake.
  if (attempt.hedge && IN_BROWSER && init.cache === undefined) init.cache = "no-store";
  const hooks = plan.hooks.beforeRequest;
  if (hooks.length) {
    // This attempt's request in a local: hedged copies share the call's context, and a copy's
    // hook may run while another copy's does (each sends its own request, never the other's).
    let request = new Request(hop.url, init);
    for (const hook of hooks) {
      ctx.request = request;
      const out = await attempt.race(hook(ctx));
      if (out instanceof Response) {
        response = out;
        break;
      }
      if (out instanceof Request) request = out;
    }
    input = ctx.request = request;
    ctx.sentTo(input.url);
  }
  // maxConcurrent's slot, once the hooks are done: awaited only when the attempt must wait in line
  // (an await of nothing would still cost every request a promise and a tick).
  const waiting = response ? undefined : attempt.takeSlot();
  if (waiting) await waiting;
  attempt.network = true;
  if (!response) {
    const redirect: RequestRedirect | undefined = plan.redirects === "fetch" ? undefined : "manual";
    const sent: RequestInit = typeof input === "string" ? init : { signal, redirect };
    if (plan.config.listeners.length) announce(attempt, input, init);
    response = checkResponse(await fetchOnce(attempt, fetchImpl, input, sent));
  }
  if (plan.redirects === "fetch") return response;
  // As fetch: redirect "error" refuses every redirect status, with or without a Location.
  if (plan.redirects === "refuse" ? !isRedirectStatus(response.status) : !isRedirect(response)) return response;
  if (plan.redirects === "refuse") {
    response.body?.cancel().catch(noop);
    throw new RedirectError(response.status, 'the request has redirect: "error"', attempt.details());
  }
  return follow(attempt, fetchImpl, response, typeof input === "string" ? hop : { url: input.url, method: input.method, headers: headerEntries<string>(input.headers), body: hop.body });
}

/** Follows the redirects of `response`, sent from `from`, inside the attempt. */
async function follow(attempt: Attempt, fetchImpl: FetchFunction, response: Response, from: Hop): Promise<Response> {
  const { plan } = attempt;
  const { ctx } = attempt.state;
  const rules: RedirectRules = { replayable: plan.body.replayable, resend: () => plan.body.body, hasCredentials: plan.hasCredentials, allowHttp: plan.config.allowHttp, details: () => attempt.details() as { request: Request; attempts: number } };
  let current = from;
  for (let hops = 0; isRedirect(response); hops++) {
    // A redirect hop ends at its headers.
    attempt.endHop({ type: "response", status: response.status });
    current = nextHop(response, current, hops, rules);
    ctx.sentTo(current.url);
    if (current.method !== plan.method && !plan.idempotent) attempt.state.rewritten = true;
    const init = hopInit(plan, current, attempt.controller.signal);
    if (plan.config.listeners.length) announce(attempt, current.url, init);
    response = checkResponse(await fetchOnce(attempt, fetchImpl, current.url, init));
    if (!isRedirect(response)) return markRedirected(response, current.url);
  }
  return response;
}

/**
 * Announces the request about to be sent to the listeners, with the headers it carries: what a
 * listener adds to them (traceparent) is sent too.
 */
function announce(attempt: Attempt, input: Request | string, init: RequestInit): void {
  const url = typeof input === "string";
  const headers: HeaderRecord = { ...(url ? (init.headers as HeaderRecord) : headerEntries<string>(input.headers)) };
  attempt.startHop(url ? (init.method as string) : input.method, url ? input : input.url, headers);
  if (url) init.headers = headers;
  else {
    for (const name in headers) {
      try {
        input.headers.set(name, headers[name]!);
      } catch {
        /* a header the Request refuses is not sent */
      }
    }
  }
}

/** Calls fetch. A custom fetch may ignore the signal: raced. The runtime's fetch rejects on abort itself. */
function fetchOnce(attempt: Attempt, fetchImpl: FetchFunction, input: Request | string, init: RequestInit): unknown {
  const pending = fetchImpl(input, init);
  return attempt.plan.config.fetch ? attempt.race(pending) : pending;
}

function checkResponse(value: unknown): Response {
  if (!(value instanceof Response)) throw optionError("fetch", "resolved with a non-Response");
  return value;
}
