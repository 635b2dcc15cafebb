/**
 * OpenTelemetry tracing as an attempt listener: one CLIENT span per request sent (an attempt,
 * or a redirect hop the client follows), with the stable HTTP client attributes, and a W3C
 * `traceparent` naming that span on the request. Typed structurally: no dependency on
 * `@opentelemetry/api`. A tracer or span that throws is ignored: tracing never breaks a request.
 *
 * Parent context: `startSpan` is called without one, so the tracer uses its active context, as
 * OpenTelemetry's own instrumentations do by default (a span started inside
 * `tracer.startActiveSpan(...)` is the parent of the request's spans).
 */
import type { AttemptListener, HopEnd, HopObserver, HopStart } from "../pipeline/attempt-events.js";
import { check } from "../options/option-error.js";
import { redactUrl } from "../security/redact.js";

/** A span attribute value, as OpenTelemetry takes it. */
export type SpanAttributeValue = string | number | boolean;

/** The members of OpenTelemetry's `Span` that tierfetch uses. */
export interface TracerSpan {
  setAttribute(key: string, value: SpanAttributeValue): unknown;
  /** `{ code: 2 }` is ERROR. */
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: { name?: string; message?: string }): unknown;
  end(): unknown;
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
}

/** The member of OpenTelemetry's `Tracer` that tierfetch uses: a `Tracer` from `@opentelemetry/api` fits. */
export interface Tracer {
  startSpan(name: string, options?: { kind?: number; attributes?: Record<string, SpanAttributeValue> }): TracerSpan;
}

/** OpenTelemetry's SpanKind.CLIENT and SpanStatusCode.ERROR. */
const CLIENT = 2;
const ERROR = 2;
const TRACE_ID = /^(?!0+$)[\da-f]{32}$/;
const SPAN_ID = /^(?!0+$)[\da-f]{16}$/;
/** An error's name as `error.type`: a class name, or nothing. */
const CLASS_NAME = /^[A-Za-z_$][\w$]{0,63}$/;

/** Validates the `tracer` option: anything with a `startSpan` function. */
export function resolveTracer(value: unknown): Tracer {
  check(typeof (value as Tracer | null)?.startSpan === "function", "tracer", "must be an OpenTelemetry Tracer (an object with a startSpan function)");
  return value as Tracer;
}

/** Runs a call on a user's span; a throw is swallowed. */
function quietly(call: () => unknown): void {
  try {
    call();
  } catch {
    // A tracer's bug must not become the request's.
  }
}

/** The short, low-cardinality word for a failure that has no status. */
function failureType(outcome: Exclude<HopEnd, { type: "response" | "cancelled" }>): string {
  if (outcome.type !== "error") return outcome.type;
  const name = (outcome.error as Error | null)?.name;
  return typeof name === "string" && CLASS_NAME.test(name) ? name : "_OTHER";
}

/** What an exception event may say: the name, and the message only for tierfetch's errors (already redacted). */
function exceptionOf(error: unknown): { name?: string; message?: string } {
  const e = error as { name?: unknown; message?: unknown; code?: unknown } | null;
  const name = typeof e?.name === "string" && CLASS_NAME.test(e.name) ? e.name : "Error";
  return typeof e?.code === "string" && e.code.startsWith("ERR_") && typeof e.message === "string" ? { name, message: e.message } : { name };
}

/** One hop's span: ended exactly once. */
class HopSpan implements HopObserver {
  #span: TracerSpan | undefined;
  constructor(span: TracerSpan) {
    this.#span = span;
  }

  end(outcome: HopEnd): void {
    const span = this.#span;
    if (!span) return;
    this.#span = undefined;
    let failed: string | undefined;
    let error: unknown;
    if (outcome.type === "response") {
      quietly(() => span.setAttribute("http.response.status_code", outcome.status));
      if (outcome.status >= 400) failed = String(outcome.status);
      else if (outcome.bodyError !== undefined) {
        error = outcome.bodyError;
        failed = (error as Error | null)?.name === "TimeoutError" ? "timeout" : "network";
      }
    } else if (outcome.type !== "cancelled") {
      error = outcome.error;
      failed = failureType(outcome);
    }
    if (failed !== undefined) {
      const type = failed;
      quietly(() => span.setAttribute("error.type", type));
      if (error !== undefined) quietly(() => span.recordException(exceptionOf(error)));
      quietly(() => span.setStatus({ code: ERROR }));
    }
    quietly(() => span.end());
  }
}

/** The port a URL names, or its scheme's default. */
function portOf(url: URL): number {
  return url.port ? +url.port : url.protocol === "https:" || url.protocol === "wss:" ? 443 : 80;
}

/** The attempt listener that traces each hop with `tracer`. */
export function tracingListener(tracer: Tracer): AttemptListener {
  return {
    hop(start: HopStart): HopObserver | undefined {
      const attributes: Record<string, SpanAttributeValue> = { "http.request.method": start.method, "url.full": redactUrl(start.url) };
      quietly(() => {
        const url = new URL(start.url);
        attributes["server.address"] = url.hostname.replace(/^\[(.*)\]$/, "$1");
        attributes["server.port"] = portOf(url);
      });
      if (start.resendCount > 0) attributes["http.request.resend_count"] = start.resendCount;
      let span: TracerSpan;
      try {
        span = tracer.startSpan(start.method, { kind: CLIENT, attributes });
      } catch {
        return undefined;
      }
      quietly(() => {
        const { traceId, spanId, traceFlags } = span.spanContext();
        const flags = traceFlags & 0xff;
        if (TRACE_ID.test(traceId) && SPAN_ID.test(spanId)) start.headers.traceparent = `00-${traceId}-${spanId}-${flags < 16 ? "0" : ""}${flags.toString(16)}`;
      });
      return new HopSpan(span);
    },
  };
}
