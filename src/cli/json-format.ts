/**
 * Re-indents JSON text without parsing its values: numbers keep every digit (an id of
 * 12345678901234567890 stays exact, which JSON.parse + stringify would round), strings keep
 * their escapes, duplicate keys stay. The input must already be known to be valid JSON.
 */
import type { Colors } from "./colors.js";

/**
 * `indent` 0 gives compact one-line output (for NDJSON items); `"keep"` keeps the text's own
 * white space and only adds colours.
 */
export function formatJson(text: string, indent: number | "keep", c: Colors): string {
  const out: string[] = [];
  const keep = indent === "keep";
  const nl = (depth: number) => (!keep && indent > 0 ? `\n${" ".repeat(indent * depth)}` : "");
  let depth = 0;
  let i = 0;
  const n = text.length;
  const wsEnd = (from: number) => {
    let j = from;
    while (j < n && (text[j] === " " || text[j] === "\t" || text[j] === "\n" || text[j] === "\r")) j++;
    return j;
  };
  const skipWs = () => {
    const end = wsEnd(i);
    if (keep && end > i) out.push(text.slice(i, end));
    i = end;
  };
  while (i < n) {
    skipWs();
    if (i >= n) break;
    const ch = text[i]!;
    if (ch === "{" || ch === "[") {
      const close = ch === "{" ? "}" : "]";
      i++;
      skipWs();
      if (text[i] === close) {
        out.push(ch + close);
        i++;
      } else {
        depth++;
        out.push(ch + nl(depth));
      }
    } else if (ch === "}" || ch === "]") {
      depth--;
      out.push(nl(depth) + ch);
      i++;
    } else if (ch === ",") {
      out.push("," + nl(depth));
      i++;
    } else if (ch === ":") {
      out.push(!keep && indent > 0 ? ": " : ":");
      i++;
    } else if (ch === '"') {
      const start = i++;
      while (i < n && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      const str = text.slice(start, i);
      const isKey = text[wsEnd(i)] === ":";
      out.push(isKey ? c.cyan(str) : c.green(str));
    } else {
      const start = i;
      while (i < n && !",]}: \t\n\r".includes(text[i]!)) i++;
      const word = text.slice(start, i);
      out.push(word === "true" || word === "false" || word === "null" ? c.magenta(word) : c.yellow(word));
    }
  }
  return out.join("");
}

/** True when `text` is one valid JSON value. */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
