// The Closer keeps its own operations in an intrusive list (prevOp/nextOp on each operation):
// whatever order operations are tracked, released and held weakly in, close() aborts exactly
// the ones still in flight, each once, and never one that was released, even by another's abort.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Closer, type Abortable } from "../../../src/resilience/closer.js";

class Op implements Abortable {
  aborted = 0;
  prevOp: Abortable | undefined = undefined;
  nextOp: Abortable | undefined = undefined;
  weak: WeakRef<Abortable> | undefined = undefined;
  onAbort: (() => void) | undefined;
  constructor(readonly id: number) {}
  abort(): void {
    this.aborted++;
    this.onAbort?.();
  }
}

describe("Closer's in-flight list", () => {
  it("aborts what is still tracked after any sequence of track, release and holdWeakly", () => {
    const step = fc.oneof(fc.constant({ kind: "track" as const }), fc.record({ kind: fc.constantFrom("release" as const, "weak" as const), pick: fc.nat() }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, child) => {
        const parent = new Closer();
        const closer = child ? new Closer(parent) : parent;
        const ops: Op[] = [];
        const live = new Set<Op>();
        for (const s of steps) {
          if (s.kind === "track") {
            const op = new Op(ops.length);
            ops.push(op);
            expect(closer.track(op)).toBe(true);
            live.add(op);
          } else if (ops.length) {
            const op = ops[s.pick % ops.length]!;
            if (s.kind === "release") {
              closer.release(op);
              live.delete(op);
            } else if (live.has(op)) closer.holdWeakly(op); // still reached by close()
          }
        }
        // Closing the parent reaches a child's operations too.
        parent.close();
        for (const op of ops) expect(op.aborted, `op ${op.id}`).toBe(live.has(op) ? 1 : 0);
        expect(closer.track(new Op(-1))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("aborts the oldest first, and skips an operation another's abort released", () => {
    const closer = new Closer();
    const order: number[] = [];
    const ops = [0, 1, 2, 3].map((id) => new Op(id));
    for (const op of ops) {
      closer.track(op);
      op.onAbort = () => order.push(op.id);
    }
    ops[0]!.onAbort = () => {
      order.push(0);
      closer.release(ops[1]!); // e.g. an attempt whose abort ends a body another one reads
      closer.release(ops[3]!);
    };
    closer.close();
    expect(order).toEqual([0, 2]);
    expect(ops.map((op) => op.aborted)).toEqual([1, 0, 1, 0]);
  });
});
