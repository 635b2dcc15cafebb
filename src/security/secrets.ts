/**
 * Masking, in text a server sent back (an error body, a status text), every secret value the
 * request carried: the token, the value of each secret-named header, secret query values and
 * URL credentials. A 401 that says "invalid credentials: Bearer sk-…" must not put the key in
 * an error message, `toJSON()` or a log line.
 */
import { MASK } from "./redact.js";
import { isSecretHeader, isSecretParam } from "./secret-names.js";

/** Shorter values are not masked: they would hide ordinary words. */
const MIN_SECRET = 4;

/** The secret values of a request: secret-named header values (and their credential part), secret parts of each URL it went to. */
export function secretValues(headers: Record<string, string>, ...urls: string[]): string[] {
  const out: string[] = [];
  const add = (value: string | undefined | null) => {
    if (value && value.length >= MIN_SECRET && !out.includes(value)) out.push(value);
  };
  for (const name of Object.keys(headers)) {
    if (!isSecretHeader(name)) continue;
    const value = headers[name]!;
    add(value);
    // "Bearer <token>", "Basic <base64>": the credential alone, as a body may quote it.
    const space = value.indexOf(" ");
    if (space > 0) add(value.slice(space + 1).trim());
    if (name === "cookie") for (const pair of value.split(";")) add(pair.slice(pair.indexOf("=") + 1).trim());
  }
  // A query's secret values, and those of a query inside a value (`?next=/app?token=…`).
  const addQuery = (query: string, nested?: boolean): void => {
    for (const [key, value] of new URLSearchParams(query)) {
      if (isSecretParam(key)) add(value);
      else if (!nested) addQuery(value.slice(value.indexOf("?") + 1), true);
    }
  };
  for (const url of urls) {
    try {
      const parsed = new URL(url);
      add(decodeSafely(parsed.password));
      add(parsed.password);
      addQuery(parsed.search);
    } catch {
      /* not a URL: no URL secrets */
    }
  }
  // Longest first, so a value that contains another is masked whole.
  return out.sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of each secret replaced by the mask. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
