#!/usr/bin/env node
// Draws the benchmark charts of docs/benchmarks.md as SVG, from the last `npm run bench`:
//   docs/bench-overhead.svg   CPU time per request beside the floor and the peers (in-memory and
//                             loopback keep-alive), one panel per Node version
//   docs/bench-size.svg       min+gzip of each entry point / app beside the peers
// bench/run.mjs calls it at the end of a full run. Run alone: node bench/charts.mjs [file]
//
// Input, whichever is newer: .tmp/bench-results.json (the run's figures as JSON) or .tmp/bench.md
// (the run's markdown). Both are read tolerantly: a section that is missing or shaped otherwise is
// skipped with a note, never an error, so the charts keep working while the bench output evolves.
// A file given as the argument (.json or .md) is read instead.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = `${ROOT}docs/`;

/**
 * The figures the charts need, in one shape:
 * overhead: [{ node, section, rows: [{ name, us }] }] (us = CPU µs per request)
 * size: [{ name, gzip, peer }] (gzip bytes)
 */
function emptyFigures() {
  return { overhead: [], size: [], date: undefined, notes: [] };
}

// ---- JSON --------------------------------------------------------------------------------------

const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
/** CPU µs per request of a row, whatever it is called. */
function usOf(row) {
  return num(row?.us) ?? num(row?.usPerReq) ?? num(row?.cpuUs) ?? (num(row?.cpu?.rps) ? 1e6 / row.cpu.rps : undefined) ?? (num(row?.rps) ? 1e6 / row.rps : undefined);
}
function rowsOf(list) {
  if (!Array.isArray(list)) return [];
  return list.map((r) => ({ name: String(r?.name ?? r?.library ?? ""), us: usOf(r) })).filter((r) => r.name && r.us !== undefined);
}

function fromJson(data) {
  const f = emptyFigures();
  f.date = data?.date ?? data?.setup?.date;
  const runs = Array.isArray(data?.runs) ? data.runs : Array.isArray(data?.speed) ? data.speed : [];
  for (const run of runs) {
    const node = String(run?.node ?? run?.version ?? "Node");
    const label = node.startsWith("v") ? `Node ${node.slice(1)}` : node;
    const over = rowsOf(run?.overhead?.rows ?? run?.overhead);
    if (over.length) f.overhead.push({ node: label, section: "in-memory", rows: over });
    for (const l of Array.isArray(run?.loopback) ? run.loopback : []) {
      const rows = rowsOf(l?.rows);
      if (rows.length) f.overhead.push({ node: label, section: `loopback, concurrency ${l?.concurrency ?? "?"}`, rows });
    }
  }
  const sizeRows = Array.isArray(data?.size?.rows) ? data.size.rows : Array.isArray(data?.size) ? data.size : [];
  for (const r of sizeRows) {
    const gzip = num(r?.bundle?.gzip) ?? num(r?.gzip);
    if (gzip === undefined) continue;
    const peer = r?.row?.peer ?? r?.peer;
    f.size.push({ name: String(r?.name ?? peer ?? "?"), gzip, peer: Boolean(peer) });
  }
  if (!f.overhead.length) f.notes.push("no speed figures in the JSON");
  if (!f.size.length) f.notes.push("no size figures in the JSON");
  return f;
}

// ---- markdown (bench/run.mjs's tables) ---------------------------------------------------------

function tables(md) {
  const out = [];
  let cur = null;
  for (const line of md.split("\n")) {
    if (!line.startsWith("|")) {
      cur = null;
      continue;
    }
    const cells = line.replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    if (!cur) out.push((cur = { head: cells, rows: [] }));
    else cur.rows.push(cells);
  }
  return out;
}

function fromMarkdown(md) {
  const f = emptyFigures();
  f.date = /\|\s*date\s*\|\s*([^|]+)\|/.exec(md)?.[1]?.trim();
  for (const t of tables(md)) {
    const title = t.head[0] ?? "";
    const section = /^in-memory overhead/.test(title) ? "in-memory" : /^loopback, concurrency/.test(title) ? title : undefined;
    if (section) {
      t.head.slice(1).forEach((node, i) => {
        const rows = t.rows
          .map((r) => ({ name: r[0], us: Number(/([\d.]+)\s*µs\/req/.exec(r[i + 1] ?? "")?.[1]) }))
          .filter((r) => r.name && Number.isFinite(r.us) && r.us > 0);
        if (rows.length) f.overhead.push({ node, section, rows });
      });
    }
    if (/^size, min\+gzip/.test(title)) {
      for (const r of t.rows) {
        const kb = /([\d.]+)\s*KB/.exec(r[1] ?? "");
        if (!kb) continue;
        // Peer rows are named "<package> <version>" and carry no budget.
        const peer = /^[\w@/.-]+ \d+\.\d+\.\d+$/.test(r[0]) && !(r[4] ?? "").trim();
        f.size.push({ name: r[0], gzip: Number(kb[1]) * 1000, peer });
      }
    }
  }
  if (!f.overhead.length) f.notes.push("no speed tables in the markdown");
  if (!f.size.length) f.notes.push("no size table in the markdown");
  return f;
}

// ---- SVG ---------------------------------------------------------------------------------------

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const FONT = `font-family="system-ui, -apple-system, Segoe UI, sans-serif"`;
const COLORS = { tierfetch: "#2563eb", floor: "#6b7280", "raw fetch": "#9ca3af", peer: "#f59e0b" };
const colorOf = (name, peer = !/^(tierfetch|floor|raw fetch)/.test(name)) =>
  /^tierfetch|createClient|decoders|whole public|sse/.test(name) ? COLORS.tierfetch : name === "floor" ? COLORS.floor : name === "raw fetch" ? COLORS["raw fetch"] : peer ? COLORS.peer : COLORS.tierfetch;

/** One horizontal bar chart panel; returns [svg, height]. */
function panel({ title, rows, unit, x0, y0, width, mark }) {
  const labelW = 230;
  const barW = width - labelW - 90;
  const max = Math.max(...rows.map((r) => r.value)) || 1;
  const rowH = 22;
  let svg = `<text x="${x0}" y="${y0 + 14}" ${FONT} font-size="14" font-weight="600" fill="#111827">${esc(title)}</text>`;
  if (mark !== undefined) {
    // Drawn first, so the bars and figures paint over it.
    const x = x0 + labelW + (mark / max) * barW;
    svg += `<line x1="${x.toFixed(1)}" y1="${y0 + 24}" x2="${x.toFixed(1)}" y2="${y0 + 26 + rows.length * rowH}" stroke="#111827" stroke-dasharray="3 3" stroke-width="1"/>`;
  }
  rows.forEach((r, i) => {
    const y = y0 + 26 + i * rowH;
    const w = Math.max(1, (r.value / max) * barW);
    svg += `<text x="${x0 + labelW - 8}" y="${y + 14}" ${FONT} font-size="12" text-anchor="end" fill="#374151">${esc(r.name)}</text>`;
    svg += `<rect x="${x0 + labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 7}" rx="2" fill="${r.color}"/>`;
    svg += `<text x="${(x0 + labelW + w + 6).toFixed(1)}" y="${y + 14}" ${FONT} font-size="12" fill="#111827">${esc(r.text ?? `${r.value} ${unit}`)}</text>`;
  });
  return [svg, 26 + rows.length * rowH + 18];
}

function document(title, subtitle, panels, width) {
  let y = 52;
  let body = "";
  for (const p of panels) {
    const [svg, h] = panel({ ...p, x0: 16, y0: y, width: width - 32 });
    body += svg;
    y += h;
  }
  const height = y + 8;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="24" ${FONT} font-size="16" font-weight="700" fill="#111827">${esc(title)}</text>
<text x="16" y="42" ${FONT} font-size="12" fill="#6b7280">${esc(subtitle)}</text>
${body}
</svg>
`;
}

function overheadChart(f) {
  const panels = f.overhead.map((o) => {
    const floor = o.rows.find((r) => r.name === "floor")?.us;
    const rows = o.rows.map((r) => ({
      name: r.name,
      value: Number(r.us.toFixed(r.us < 100 ? 2 : 1)),
      color: colorOf(r.name),
      text: `${r.us.toFixed(r.us < 100 ? 2 : 1)} µs`,
    }));
    return { title: `${o.section}, ${o.node}`, rows, unit: "µs", mark: floor };
  });
  return document(
    "CPU time per request (shorter is better)",
    `CPU µs per request; dashed line: the floor (fetch + one AbortController + one timer)${f.date ? `; run of ${f.date.slice(0, 10)}` : ""}`,
    panels,
    760,
  );
}

function sizeChart(f) {
  const rows = [...f.size]
    .sort((a, b) => Number(a.peer) - Number(b.peer) || b.gzip - a.gzip)
    .map((r) => ({ name: r.name, value: r.gzip, color: r.peer ? COLORS.peer : COLORS.tierfetch, text: `${(r.gzip / 1000).toFixed(2)} KB` }));
  return document(
    "Bundle size, min+gzip (smaller is better)",
    `esbuild, browser ESM, no code splitting; tierfetch in blue, peers (one JSON request) in amber${f.date ? `; ${f.date.slice(0, 10)}` : ""}`,
    [{ title: "one app per row", rows, unit: "B" }],
    760,
  );
}

// ---- main --------------------------------------------------------------------------------------

function load(arg) {
  const json = `${ROOT}.tmp/bench-results.json`;
  const md = `${ROOT}.tmp/bench.md`;
  let file = arg;
  if (!file) {
    const have = [json, md].filter((p) => existsSync(p));
    file = have.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  }
  if (!file) return { file: undefined, figures: emptyFigures() };
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".json")) {
    try {
      const figures = fromJson(JSON.parse(text));
      // A JSON without one of the sections: take it from the markdown of the same run.
      if ((!figures.overhead.length || !figures.size.length) && !arg && existsSync(md)) {
        const fromMd = fromMarkdown(readFileSync(md, "utf8"));
        if (!figures.overhead.length) figures.overhead = fromMd.overhead;
        if (!figures.size.length) figures.size = fromMd.size;
        figures.date ??= fromMd.date;
      }
      return { file, figures };
    } catch (error) {
      return { file, figures: { ...emptyFigures(), notes: [`${file}: ${error.message}`] } };
    }
  }
  return { file, figures: fromMarkdown(text) };
}

const { file, figures } = load(process.argv[2]);
if (!file) {
  console.log("bench/charts.mjs: no .tmp/bench-results.json or .tmp/bench.md (run `npm run bench` first); charts left as they are");
} else {
  for (const n of figures.notes) console.log(`bench/charts.mjs: ${n}`);
  if (figures.overhead.length) {
    writeFileSync(`${OUT}bench-overhead.svg`, overheadChart(figures));
    console.log(`bench/charts.mjs: docs/bench-overhead.svg (${figures.overhead.length} panels, from ${file.replace(ROOT, "")})`);
  }
  if (figures.size.length) {
    writeFileSync(`${OUT}bench-size.svg`, sizeChart(figures));
    console.log(`bench/charts.mjs: docs/bench-size.svg (${figures.size.length} rows, from ${file.replace(ROOT, "")})`);
  }
}
