/**
 * OpenTelemetry tracing as an attempt listener: one CLIENT span per request sent (an attempt,
 * or a redirect hop the client follows), with the stable HTTP client attributes, and a W3C
 * `traceparent` naming that span on the request. Typed structurally: no dependency on
 * `@opentelemetry/api`. A tracer or span that throws is ignored: tracing never breaks a request.
 *
 * Parent context: `startSpan` is called without one, so the tracer uses its active context, as
 * OpenTelemetry's own instrumentations do by default (a span started inside
 * `tracer.startActiveSpan(...)` is the parent of the request's spans).
 *
 * Nothing of an error but its kind reaches a span (`error.type`; no exception event): an error
 * message may quote what a server or a hook said, secrets included.
 */
import type { AttemptListener, HopStart } from "../pipeline/attempt-events.js";
import { check } from "../options/option-error.js";
import { redactUrl } from "../security/redact.js";

/** A span attribute value, as OpenTelemetry takes it. */
export type SpanAttributeValue = string | number | boolean;

/** The members of OpenTelemetry's `Span` that tierfetch uses. */
export interface TracerSpan {
  setAttribute(key: string, value: SpanAttributeValue): unknown;
  /** `{ code: 2 }` is ERROR. */
  setStatus(status: { code: number; message?: string }): unknown;
  end(): unknown;
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
}

/** The member of OpenTelemetry's `Tracer` that tierfetch uses: a `Tracer` from `@opentelemetry/api` fits. */
export interface Tracer {
  startSpan(name: string, options?: { kind?: number; attributes?: Record<string, SpanAttributeValue> }): TracerSpan;
}

/** The ids of a valid W3C traceparent (the flags are ours: two hex digits): an all-zero trace or span id is not one. */
const TRACEPARENT = /^00-(?!0{32})[\da-f]{32}-(?!0{16})[\da-f]{16}-/;

/** Validates the `tracer` option: anything with a `startSpan` function. */
export function resolveTracer(value: unknown): Tracer {
  check(typeof (value as Tracer | null)?.startSpan === "function", "tracer", "must have startSpan()");
  return value as Tracer;
}

/** The attempt listener that traces each hop with `tracer`. */
export function tracingListener(tracer: Tracer): AttemptListener {
  return {
    hop(start: HopStart) {
      const attributes: Record<string, SpanAttributeValue> = { "http.request.method": start.method, "url.full": redactUrl(start.url) };
      if (start.resendCount > 0) attributes["http.request.resend_count"] = start.resendCount;
      let span: TracerSpan;
      try {
        const url = new URL(start.url);
        attributes["server.address"] = url.hostname.replace(/^\[|\]$/g, "");
        attributes["server.port"] = +url.port || (url.protocol === "https:" ? 443 : 80);
      } catch {
        // Not a URL the runtime parses: the attributes it would give are left out.
      }
      try {
        span = tracer.startSpan(start.method, { kind: 2 /* CLIENT */, attributes });
      } catch {
        return undefined;
      }
      try {
        const { traceId, spanId, traceFlags } = span.spanContext();
        const value = `00-${traceId}-${spanId}-${(traceFlags & 255).toString(16).padStart(2, "0")}`;
        if (TRACEPARENT.test(value)) start.headers.traceparent = value;
      } catch {
        // No context: no traceparent.
      }
      let open = true;
      return {
        end(outcome) {
          if (!open) return;
          open = false;
          try {
            // error.type: the status of a failed response, else a short word (timeout, network,
            // error); none for a success, a redirect and a cancelled hop.
            let type: string | undefined = outcome.type;
            if (outcome.type === "response") {
              span.setAttribute("http.response.status_code", outcome.status);
              type = outcome.status >= 400 ? String(outcome.status) : outcome.bodyError === undefined ? undefined : (outcome.bodyError as Error | null)?.name === "TimeoutError" ? "timeout" : "network";
            }
            if (type && type !== "cancelled") {
              span.setAttribute("error.type", type);
              span.setStatus({ code: 2 /* ERROR */ });
            }
          } catch {
            // A tracer's bug must not become the request's: the span still ends.
          }
          try {
            span.end();
          } catch {
            // Same.
          }
        },
      };
    },
  };
}
