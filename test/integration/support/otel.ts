/** The real OpenTelemetry SDK for the tracing tests: a provider that exports every ended span, and counts the spans started and ended. */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Tracer } from "../../../src/index.js";

export function sdk() {
  const exporter = new InMemorySpanExporter();
  let started = 0;
  let ended = 0;
  const counter: SpanProcessor = {
    onStart: () => void started++,
    onEnd: () => void ended++,
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({ spanProcessors: [counter, new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer("tierfetch-test") as unknown as Tracer;
  return {
    tracer,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    open: () => started - ended,
    started: () => started,
  };
}
