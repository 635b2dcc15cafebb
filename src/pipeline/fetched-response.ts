/**
 * A Response that stands in for one the runtime's fetch resolved with, carrying a body of ours
 * (watched for timeouts and progress, or replaying an error body's start): it shows what the
 * runtime's Response shows — status, statusText, ok, the same (immutable) Headers, url,
 * redirected, type — also where the Response constructor refuses them (a status of 600–999, a
 * reason phrase with obs-text or a control character), and its clone() shows them too.
 *
 * Where the constructor accepts the values (nearly always) they are its own as well, so a
 * platform API that reads a Response's internal state (a Worker's respondWith, Deno.serve,
 * cache.put) sees the same; for the rest it sees 200 and an empty reason phrase.
 */

/** What the stand-in shows. */
interface Shown {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly url: string;
  readonly redirected: boolean;
  readonly type: ResponseType;
}

/** Statuses (of those the constructor takes) whose Response must have a null body: it throws otherwise. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);
/** True for 204, 205 and 304, whose Response has no body to read. */
export const isNullBodyStatus = (status: number): boolean => NULL_BODY_STATUSES.has(status);

/** The reason-phrase production (HTAB, SP, VCHAR, obs-text): what the constructor accepts. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The init the constructor accepts: the real values, or placeholders the getters hide. */
function initOf(shown: Shown, placeholders: boolean): ResponseInit {
  const { status, statusText } = shown;
  if (placeholders) return { status: 200, headers: shown.headers };
  return {
    status: status >= 200 && status <= 599 ? status : 200,
    statusText: REASON_PHRASE.test(statusText) ? statusText : "",
    headers: shown.headers,
  };
}

export class FetchedResponse extends Response {
  // Read through `#shown in this`: a runtime's constructor may read a getter before it is set.
  readonly #shown: Shown;

  /** Use `FetchedResponse.of`: it falls back to placeholders where a runtime's constructor is stricter than the standard. */
  constructor(body: BodyInit | null, shown: Shown, placeholders: boolean) {
    const init = initOf(shown, placeholders);
    super(NULL_BODY_STATUSES.has(init.status!) ? null : body, init);
    this.#shown = shown;
  }

  /** A stand-in showing `shown` with `body` (workerd refuses a tab in a reason phrase: placeholders then). */
  static of(body: BodyInit | null, shown: Shown): FetchedResponse {
    try {
      return new FetchedResponse(body, shown, false);
    } catch {
      return new FetchedResponse(body, shown, true);
    }
  }

  override get status(): number {
    return #shown in this ? this.#shown.status : super.status;
  }
  override get statusText(): string {
    return #shown in this ? this.#shown.statusText : super.statusText;
  }
  override get ok(): boolean {
    const status = this.status;
    return status >= 200 && status <= 299;
  }
  override get headers(): Headers {
    return #shown in this ? this.#shown.headers : super.headers;
  }
  override get url(): string {
    return #shown in this ? this.#shown.url : super.url;
  }
  override get redirected(): boolean {
    return #shown in this ? this.#shown.redirected : super.redirected;
  }
  override get type(): ResponseType {
    return #shown in this ? this.#shown.type : super.type;
  }

  /** A copy that shows the same (the base class's clone would be a plain Response without url). */
  override clone(): Response {
    return FetchedResponse.of(super.clone().body, this.#shown);
  }
}

/**
 * `response` with another body, showing what `response` shows (its url and redirected replaced
 * when given). A null-body status (204, 205, 304) gets a null body, whatever it was given:
 * browsers hand a 204 a non-null empty body, which a Response may not carry; a given stream is
 * then cancelled, so whatever watches it (the attempt) ends.
 */
export function standIn(response: Response, body: BodyInit | null, url: string = response.url, redirected: boolean = response.redirected): Response {
  if (body instanceof ReadableStream && NULL_BODY_STATUSES.has(response.status)) body.cancel().catch(() => undefined);
  const { status, statusText, headers, type } = response;
  return FetchedResponse.of(body, { status, statusText, headers, url, redirected, type });
}
