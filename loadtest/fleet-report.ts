// Fleet benchmark, part 4: statistics, the markdown table and the SVG plots (drawn by hand: a
// scatter/line plot with axes and ticks, nothing more).

export interface LatencyStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function latencyStats(xs: readonly number[]): LatencyStats {
  return {
    count: xs.length,
    p50: round(percentile(xs, 50)),
    p99: round(percentile(xs, 99)),
    max: round(xs.length ? Math.max(...xs) : NaN),
  };
}

/** Least-squares slope and intercept of y over x. */
export function linearFit(points: ReadonlyArray<readonly [number, number]>): {
  slope: number;
  intercept: number;
} {
  const n = points.length;
  if (n < 2) return { slope: NaN, intercept: NaN };
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return { slope, intercept: (sy - slope * sx) / n };
}

export const round = (x: number, digits = 1): number =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x;

// ------------------------------------------------------------------------------ SVG

export interface Series {
  label: string;
  points: ReadonlyArray<readonly [number, number]>;
  color: string;
  line?: boolean;
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9 && out.length < 50; v += step)
    out.push(round(v, 6));
  return out;
}

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A scatter (or line) plot as a standalone SVG document. */
export function svgPlot(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
}): string {
  const W = o.width ?? 720;
  const H = o.height ?? 420;
  const m = { l: 70, r: 20, t: 40, b: 50 };
  const all = o.series.flatMap((s) => s.points).filter(([x, y]) => isFinite(x) && isFinite(y));
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(1, ...xs);
  const y0 = Math.min(0, ...ys);
  const y1 = Math.max(1, ...ys) * 1.05;
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(o.title)}</text>`,
  ];
  for (const t of niceTicks(x0, x1))
    parts.push(
      `<line x1="${f(px(t))}" y1="${m.t}" x2="${f(px(t))}" y2="${H - m.b}" stroke="#eee"/>`,
      `<text x="${f(px(t))}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>`,
    );
  for (const t of niceTicks(y0, y1))
    parts.push(
      `<line x1="${m.l}" y1="${f(py(t))}" x2="${W - m.r}" y2="${f(py(t))}" stroke="#eee"/>`,
      `<text x="${m.l - 6}" y="${f(py(t) + 4)}" text-anchor="end">${t}</text>`,
    );
  parts.push(
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text x="16" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(m.t + H - m.b) / 2})">${esc(o.yLabel)}</text>`,
  );
  o.series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => isFinite(x) && isFinite(y));
    if (s.line && pts.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(" ")}"/>`,
      );
    for (const [x, y] of pts)
      parts.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="2.5" fill="${s.color}"/>`);
    parts.push(
      `<rect x="${m.l + 10}" y="${m.t + 8 + i * 16}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${m.l + 26}" y="${m.t + 17 + i * 16}">${esc(s.label)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

// ------------------------------------------------------------------------------ markdown

export function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
