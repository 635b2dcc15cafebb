/**
 * Clients for the integration tests: pointed at the current test's server, with short retry
 * delays (the defaults wait 500 ms and more) and no retry budget (a test's retries must not
 * depend on what the tests before it spent), and closed after each test.
 */
import { afterEach } from "vitest";
import { createClient, type Client, type ClientOptions } from "../../../src/index.js";
import type { TestServer } from "./server.js";

/** Retry policy of the tests: quick, budget off. Spread over it to change one field. */
export const QUICK_RETRY = { maxRetries: 4, minDelay: 5, maxDelay: 20, budget: false } as const;

export function useClients(server: () => TestServer): (options?: ClientOptions) => Client {
  const made: Client[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((c) => c.close()));
  });
  return (options = {}) => {
    const api = createClient({ baseUrl: server().url, retry: QUICK_RETRY, ...options });
    made.push(api);
    return api;
  };
}
