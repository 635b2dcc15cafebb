/**
 * A response whose body errors with `reason()` after `ms` without a chunk: the CLI's own idle
 * limit, for a --idle-timeout too long for the client's timers (see limits.ts).
 */
import { setLongTimeout, type LongTimer } from "./long-timer.js";

export function watchIdle(res: Response, ms: number, reason: () => Error): Response {
  if (!res.body) return res;
  let timer: LongTimer | undefined;
  const arm = (controller: TransformStreamDefaultController<Uint8Array>) => {
    timer?.clear();
    timer = setLongTimeout(() => controller.error(reason()), ms);
  };
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start: arm,
      transform(chunk, controller) {
        controller.enqueue(chunk);
        arm(controller);
      },
      flush: () => timer?.clear(),
    }),
  );
  return new Response(body, res);
}
