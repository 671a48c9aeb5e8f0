export interface Series {
  readonly label: string;
  readonly color: string;
  /** Dashed: the bare reparse floor. */
  readonly dashed?: boolean;
  readonly points: ReadonlyArray<readonly [x: number, y: number]>;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** 1, 2, 5 × powers of ten within [low, high]. */
function ticks(low: number, high: number): number[] {
  const out: number[] = [];
  for (let power = Math.floor(Math.log10(low)) - 1; power <= Math.ceil(Math.log10(high)) + 1; power++) {
    for (const m of [1, 2, 5]) {
      const value = m * 10 ** power;
      if (value >= low && value <= high) out.push(value);
    }
  }
  return out;
}

function label(value: number, unit: string): string {
  if (unit === 'lines') return value >= 1000 ? `${value / 1000}k` : String(value);
  return value >= 1000 ? `${value / 1000} s` : value >= 1 ? `${value} ms` : `${value} ms`;
}

/**
 * A plain log-log line chart as standalone SVG (no dependencies, readable in a browser and on GitHub):
 * one polyline per series, the x values marked on the axis, a legend on the right.
 */
export function lineChart(options: { title: string; subtitle: string; xLabel: string; yLabel: string; series: readonly Series[] }): string {
  const width = 900;
  const height = 520;
  const left = 70;
  const right = 250;
  const top = 60;
  const bottom = 60;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = options.series.flatMap((series) => series.points).filter(([x, y]) => x > 0 && y > 0);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const xLow = Math.min(...xs) / 1.3;
  const xHigh = Math.max(...xs) * 1.3;
  const yLow = Math.max(0.1, Math.min(...ys) / 1.5);
  const yHigh = Math.max(...ys) * 1.5;
  const sx = (x: number) => left + ((Math.log10(x) - Math.log10(xLow)) / (Math.log10(xHigh) - Math.log10(xLow))) * plotW;
  const sy = (y: number) => top + plotH - ((Math.log10(y) - Math.log10(yLow)) / (Math.log10(yHigh) - Math.log10(yLow))) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${left}" y="24" font-size="16" font-weight="bold">${escape(options.title)}</text>`);
  parts.push(`<text x="${left}" y="42" fill="#555">${escape(options.subtitle)}</text>`);
  for (const y of ticks(yLow, yHigh)) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end" fill="#444">${label(y, 'ms')}</text>`);
  }
  const xValues = [...new Set(xs)].sort((a, b) => a - b);
  for (const x of xValues) {
    parts.push(`<line x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" y1="${top}" y2="${top + plotH}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle" fill="#444">${label(Math.round(x / 100) * 100, 'lines')}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 16}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`);
  options.series.forEach((series, i) => {
    const points = series.points.filter(([x, y]) => x > 0 && y > 0);
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="2"${dash} points="${points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of points) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${series.color}"/>`);
    const ly = top + 10 + i * 20;
    parts.push(`<line x1="${left + plotW + 16}" x2="${left + plotW + 46}" y1="${ly}" y2="${ly}" stroke="${series.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${left + plotW + 52}" y="${ly + 4}">${escape(series.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
