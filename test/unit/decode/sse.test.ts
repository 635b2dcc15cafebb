import { describe, expect, it } from "vitest";
import { sse, type ServerSentEvent } from "../../../src/decode/index.js";
import { chunksOf, collect, oneByteChunks, trackedIterable, trackedStream, utf8, type Piece } from "./support.js";

const eventsOf = (...pieces: Piece[]) => collect(sse(trackedStream(pieces).stream));
const msg = (data: string, id = "", event = "message"): ServerSentEvent => ({ event, data, id });

describe("sse(): data", () => {
  it("dispatches an event on a blank line", async () => {
    expect(await eventsOf("data: hello\n\n")).toEqual([msg("hello")]);
  });

  it("joins several data lines with \\n", async () => {
    expect(await eventsOf("data: a\ndata: b\ndata: c\n\n")).toEqual([msg("a\nb\nc")]);
  });

  it("keeps empty data lines in the join (data with and without a colon)", async () => {
    expect(await eventsOf("data\ndata:\ndata: x\ndata\n\n")).toEqual([msg("\n\nx\n")]);
  });

  it("dispatches an event whose only data line is empty, with data ''", async () => {
    expect(await eventsOf("data:\n\n")).toEqual([msg("")]);
  });

  it("does not dispatch a block without data lines", async () => {
    expect(await eventsOf("event: ping\n\nid: 3\n\nretry: 10\n\n: note\n\n\n\n")).toEqual([]);
  });

  it("keeps colons after the first one in the value", async () => {
    expect(await eventsOf("data: a:b: c\n\n")).toEqual([msg("a:b: c")]);
  });
});

describe("sse(): the space after the colon", () => {
  it("removes one leading space", async () => {
    expect(await eventsOf("data: x\n\n")).toEqual([msg("x")]);
  });

  it("removes only one", async () => {
    expect(await eventsOf("data:  two\n\n")).toEqual([msg(" two")]);
  });

  it("removes nothing when there is none, and never a tab", async () => {
    expect(await eventsOf("data:x\n\ndata:\tt\n\n")).toEqual([msg("x"), msg("\tt")]);
  });

  it("applies to every field", async () => {
    expect(await eventsOf("event:  e\nid:  7\ndata: d\n\n")).toEqual([msg("d", " 7", " e")]);
  });
});

describe("sse(): event", () => {
  it("defaults to 'message'", async () => {
    expect((await eventsOf("data: x\n\n"))[0].event).toBe("message");
  });

  it("uses the event field", async () => {
    expect(await eventsOf("event: delta\ndata: x\n\n")).toEqual([msg("x", "", "delta")]);
  });

  it("is 'message' for an empty event field", async () => {
    expect(await eventsOf("event:\ndata: x\n\nevent\ndata: y\n\n")).toEqual([msg("x"), msg("y")]);
  });

  it("resets after each dispatch, and after a block without data", async () => {
    expect(await eventsOf("event: a\ndata: 1\n\ndata: 2\n\nevent: b\n\ndata: 3\n\n")).toEqual([
      msg("1", "", "a"),
      msg("2"),
      msg("3"),
    ]);
  });

  it("takes the last event field of a block", async () => {
    expect(await eventsOf("event: a\nevent: b\ndata: x\n\n")).toEqual([msg("x", "", "b")]);
  });
});

describe("sse(): id", () => {
  it("sets the id and keeps it on later events", async () => {
    expect(await eventsOf("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n")).toEqual([
      msg("a", "1"),
      msg("b", "1"),
      msg("c", "2"),
    ]);
  });

  it("is ignored when it contains NUL", async () => {
    expect(await eventsOf("id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n")).toEqual([msg("a", "1"), msg("b", "1")]);
  });

  it("is reset by an empty id field", async () => {
    expect(await eventsOf("id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\ndata: c\n\nid:\ndata: d\n\n")).toEqual([
      msg("a", "1"),
      msg("b", ""),
      msg("c", "2"),
      msg("d", ""),
    ]);
  });

  it("is updated by a block that is not dispatched", async () => {
    expect(await eventsOf("id: 5\n\ndata: a\n\n")).toEqual([msg("a", "5")]);
  });

  it("starts as options.lastEventId, else ''", async () => {
    const events = await collect(sse(new Response("data: a\n\nid: 9\ndata: b\n\n"), { lastEventId: "41" }));
    expect(events).toEqual([msg("a", "41"), msg("b", "9")]);
    expect(await eventsOf("data: a\n\n")).toEqual([msg("a", "")]);
  });
});

describe("sse(): retry", () => {
  it("reports a digits-only retry in milliseconds", async () => {
    expect(await eventsOf("retry: 1500\ndata: a\n\n")).toEqual([{ ...msg("a"), retry: 1500 }]);
  });

  it("reads digits in base ten (leading zeros are not octal)", async () => {
    expect((await eventsOf("retry: 03000\ndata: a\n\n"))[0].retry).toBe(3000);
  });

  it.each(["15a", "-1", "1.5", "+1", " 1", "1 ", "1e3", "", "٣"])("ignores the value %j", async (value) => {
    const [event] = await eventsOf(`retry: 100\n\nretry:${value === "" ? "" : " "}${value}\ndata: a\n\n`);
    expect(event.retry).toBe(100); // the earlier valid value, not this one
  });

  it("keeps the key out of events that received no retry", async () => {
    const events = await eventsOf("retry: 10\ndata: a\n\ndata: b\n\n");
    expect(events[0].retry).toBe(10);
    expect("retry" in events[1]).toBe(false);
    expect(Object.keys(events[1]).sort()).toEqual(["data", "event", "id"]);
  });

  it("reports a retry-only block (never dispatched) with the next event", async () => {
    expect(await eventsOf("retry: 2500\n\ndata: a\n\n")).toEqual([{ ...msg("a"), retry: 2500 }]);
  });

  it("reports the latest value when several arrive before an event", async () => {
    expect((await eventsOf("retry: 1\n\nretry: 2\ndata: a\n\n"))[0].retry).toBe(2);
  });
});

describe("sse(): comments and unknown fields", () => {
  it("skips comment lines", async () => {
    expect(await eventsOf(": hello\ndata: a\n:\n: data: no\n\n")).toEqual([msg("a")]);
  });

  it("does not dispatch on a comment-only block", async () => {
    expect(await eventsOf(": keep-alive\n\n: keep-alive\n\n")).toEqual([]);
  });

  it("ignores unknown fields and field names that only start like known ones", async () => {
    expect(
      await eventsOf("foo: bar\ndatax: 1\ndata : 2\nData: 3\nevents: e\nidx: 4\nretryx: 5\ndata: ok\n\n"),
    ).toEqual([msg("ok")]);
  });
});

describe("sse(): line ends, BOM, end of stream", () => {
  it("accepts \\r\\n, \\r and \\n, mixed", async () => {
    expect(await eventsOf("data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n")).toEqual([
      msg("a"),
      msg("b"),
      msg("c"),
      msg("d"),
    ]);
  });

  it("takes \\r ending a chunk and \\n starting the next as one terminator", async () => {
    // Were they two, the \n would be a blank line and dispatch 'a' before 'b' arrived.
    expect(await eventsOf("data: a\r", "\ndata: b\r", "\n\r", "\n")).toEqual([msg("a\nb")]);
  });

  it("strips a leading BOM", async () => {
    expect(await eventsOf("\uFEFFdata: a\n\n")).toEqual([msg("a")]);
  });

  it("strips a BOM split over chunks", async () => {
    expect(await eventsOf(Uint8Array.of(0xef), Uint8Array.of(0xbb, 0xbf), "data: a\n\n")).toEqual([msg("a")]);
  });

  it("strips only one BOM (a second one makes an unknown field)", async () => {
    expect(await eventsOf("\uFEFF\uFEFFdata: a\n\ndata: b\n\n")).toEqual([msg("b")]);
  });

  it("drops a trailing event without its blank line", async () => {
    expect(await eventsOf("data: a\n\ndata: b\n")).toEqual([msg("a")]);
    expect(await eventsOf("data: a\n\ndata: b")).toEqual([msg("a")]);
    expect(await eventsOf("data: a\n\ndata: b\r")).toEqual([msg("a")]);
  });

  it("decodes UTF-8 split across chunks in any field", async () => {
    const bytes = utf8("event: é\nid: 東\ndata: 🙂\n\n");
    expect(await collect(sse(chunksOf(oneByteChunks(bytes))))).toEqual([msg("🙂", "東", "é")]);
  });

  it("reads a Response, and a null body as no events", async () => {
    expect(await collect(sse(new Response("data: a\n\n")))).toEqual([msg("a")]);
    expect(await collect(sse(new Response(null)))).toEqual([]);
  });
});

describe("sse(): leaving early and source errors", () => {
  it("break cancels the stream and releases its lock", async () => {
    const { stream, log } = trackedStream(["data: a\n\ndata: b\n\n", "data: c\n\n"]);
    for await (const event of sse(stream)) {
      expect(event.data).toBe("a");
      break;
    }
    expect(log.cancelled).toBe(true);
    expect(stream.locked).toBe(false);
  });

  it("throw in the loop cancels the stream", async () => {
    const { stream, log } = trackedStream(["data: a\n\n"]);
    await expect(
      (async () => {
        for await (const _ of sse(stream)) throw new Error("stop");
      })(),
    ).rejects.toThrow("stop");
    expect(log.cancelled).toBe(true);
  });

  it("break returns an async iterable source", async () => {
    const { iterable, log } = trackedIterable(["data: a\n\n", "data: b\n\n"]);
    for await (const _ of sse(iterable)) break;
    expect(log.returned).toBe(true);
  });

  it("rejects with the source's own error after the events before it", async () => {
    const reset = new Error("socket hang up");
    const iter = sse(trackedStream(["data: a\n\ndata: b\n"], { error: reset }).stream);
    expect(await iter.next()).toEqual({ done: false, value: msg("a") });
    await expect(iter.next()).rejects.toBe(reset);
  });
});
