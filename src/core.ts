/**
 * `createCoreClient`: the client with tiers, retries (Retry-After, deadline, budget), hooks,
 * token scoping, redirects, redaction, `api.fetch` and close(), and the buffered shortcuts
 * only. What an app that sends JSON requests bundles.
 */
import { makeClient, type ClientFeatures, type CoreClient } from "./client.js";
import { normaliseClient } from "./options/config.js";
import type { ClientOptions } from "./options/options.js";
import { CoreResponsePromise } from "./pipeline/response-core.js";

const CORE: ClientFeatures = { respond: (start) => CoreResponsePromise.start(start) };

/**
 * Makes a core client: `createClient` without `.lines()`, `.ndjson()`, `.sse()`,
 * `.json(schema)`, `paginate` and `onUploadProgress`, for the smallest bundle.
 * @example
 * const api = createCoreClient({ baseUrl: "https://api.example.com/v2/", token: "…" });
 * const user = await api.get<User>("users/42").json();
 */
export function createCoreClient(options: ClientOptions = {}): CoreClient {
  return makeClient(normaliseClient(options), CORE);
}
