/// <reference types="node" />
/**
 * A timer for any duration: setTimeout clamps a delay above 2^31-1 ms (24.8 days) to 1 ms, so
 * a longer one is a chain of shorter timers. Unref'd: it never keeps the process alive.
 */

/** The longest delay setTimeout honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

export function setLongTimeout(fire: () => void, ms: number): LongTimer {
  let left = ms;
  let timer: ReturnType<typeof setTimeout>;
  const step = () => {
    const wait = Math.min(left, MAX_TIMER_MS);
    left -= wait;
    timer = setTimeout(left > 0 ? step : fire, wait);
    timer.unref?.();
  };
  step();
  return { clear: () => clearTimeout(timer) };
}
