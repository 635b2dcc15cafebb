/**
 * HTTPie's request items, after the URL: `name=value` (a JSON string field), `name:=json`
 * (a raw JSON field), `name=@file` and `name:=@file` (the same, read from a file),
 * `Header:value` (`Header:` removes it, `Header;` sends it empty) and `name==value` (a query
 * parameter). The first separator in the word decides; a backslash takes the next character
 * of a name literally (`a\=b=c` is the field `a=b`), and `name=\@x` is the string "@x".
 */
import { quoteInput, UsageError } from "./usage-error.js";

export type RequestItem =
  | { kind: "header"; name: string; value: string | undefined }
  | { kind: "query"; name: string; value: string }
  | FieldItem;

/** A body field: its JSON text, or a file to read it from (as a string, or as JSON). */
export type FieldItem = { kind: "field"; name: string; json: string } | { kind: "file-field"; name: string; path: string; as: "string" | "json" };

/** RFC 9110 token: method and header names. */
export { TOKEN } from "../http/headers.js";
import { TOKEN } from "../http/headers.js";

const SEPARATORS = [":=@", ":=", "==", "=@", "=", ":"] as const;

/** The item a word spells, or undefined when it is not one (no separator, or nothing before it). */
export function parseItem(word: string): RequestItem | undefined {
  if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+;$/.test(word)) return { kind: "header", name: word.slice(0, -1), value: "" };
  let name = "";
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (ch === "\\" && i + 1 < word.length) {
      name += word[++i];
      continue;
    }
    if (ch !== "=" && ch !== ":") {
      name += ch;
      continue;
    }
    const sep = SEPARATORS.find((s) => word.startsWith(s, i))!;
    if (name === "") return undefined;
    return item(sep, name, word.slice(i + sep.length));
  }
  return undefined;
}

function item(sep: (typeof SEPARATORS)[number], name: string, value: string): RequestItem {
  switch (sep) {
    case "==":
      return { kind: "query", name, value };
    case "=":
      return { kind: "field", name, json: JSON.stringify(value.startsWith("\\@") ? value.slice(1) : value) };
    case "=@":
    case ":=@":
      if (value === "") throw new UsageError(`${name}${sep} needs a file name`);
      return { kind: "file-field", name, path: value, as: sep === "=@" ? "string" : "json" };
    case ":=":
      try {
        JSON.parse(value);
      } catch (error) {
        throw new UsageError(`${name}:= needs JSON after ':=' (${(error as Error).message}); use ${name}=text for a string`);
      }
      return { kind: "field", name, json: value.trim() };
    case ":":
      return headerItem(name, value);
  }
}

/** A header from an item or from `-H 'Name: value'`; an empty value removes the header. */
export function headerItem(rawName: string, rawValue: string): RequestItem & { kind: "header" } {
  const name = rawName.trim();
  if (!TOKEN.test(name)) throw new UsageError(`not a valid header name: ${quoteInput(name)}`);
  const value = rawValue.trim();
  // Reported by name only: the value may be a secret. Tabs are fine; other controls are not.
  if (/[\0-\x08\x0a-\x1f\x7f]/.test(value)) throw new UsageError(`header ${name} has a control character (line break, NUL, DEL...) in its value`);
  return { kind: "header", name, value: value === "" ? undefined : value };
}

/**
 * The JSON object the field items make, written from each value's own text (big numbers keep
 * every digit); a name given twice becomes an array, as in HTTPie.
 */
export function fieldsToJson(fields: readonly { name: string; json: string }[]): string {
  const byName = new Map<string, string[]>();
  for (const f of fields) byName.set(f.name, [...(byName.get(f.name) ?? []), f.json]);
  const members = [...byName].map(([name, values]) => `${JSON.stringify(name)}:${values.length === 1 ? values[0] : `[${values.join(",")}]`}`);
  return `{${members.join(",")}}`;
}
