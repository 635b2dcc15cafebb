/**
 * The delay a first answer schedules: a mock server answers `status` with `headers` once, then
 * 200; the client's retry sleep is captured on a fake clock (never waited for real).
 */
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, vi } from "vitest";
import { createClient, type ClientOptions } from "../../../src/index.js";
import { useMockServer } from "./msw.js";
import { captureDelays, drive, EPOCH, fakeClock, track } from "./timers.js";

export interface FirstAnswerOptions {
  status?: number;
  method?: string;
  retry?: ClientOptions["retry"];
  /** The body of the first answer. @default "busy" */
  body?: string;
}

/** Installs the mock server, the fake clock and jitter at its top; returns the probe. */
export function useFirstAnswer(defaults: FirstAnswerOptions = {}) {
  const mock = useMockServer();
  beforeEach(() => {
    fakeClock(EPOCH);
    vi.spyOn(Math, "random").mockReturnValue(1);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  /** First answer `status` with `headers`, then 200: returns the delays scheduled and the outcome. */
  async function afterHeaders(headers: Record<string, string>, options: FirstAnswerOptions = {}) {
    const { status = 503, method = "GET", retry, body = "busy" } = { ...defaults, ...options };
    let n = 0;
    mock.server.use(http.all("https://api.test/r", () => (n++ === 0 ? new HttpResponse(body, { status, headers }) : HttpResponse.text("ok"))));
    const { delays, spy } = captureDelays();
    const call = await drive(track(createClient({ baseUrl: "https://api.test", timeout: "none", retry }).request(method, "r")));
    const scheduled = delays();
    spy.mockRestore();
    const sent = mock.seen.length;
    mock.seen.length = 0;
    return { delays: scheduled, call, sent };
  }
  return { ...mock, afterHeaders };
}
