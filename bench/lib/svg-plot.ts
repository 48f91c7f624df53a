/**
 * A line chart written as plain SVG text, so the benchmarks need no plotting package.
 */

export interface Series {
  name: string;
  /** Points as [x, y]; x is the step index. */
  points: ReadonlyArray<readonly [number, number]>;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  /** Second title line, for caveats. */
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  width?: number;
  height?: number;
}

// Ten colours of the Tableau 10 palette plus one grey, cycled for more series.
const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#333333'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Nice tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten. */
export function ticks(low: number, high: number, target = 5): number[] {
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    return [];
  }
  if (high <= low) {
    return [low];
  }
  const raw = (high - low) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= raw) ?? raw;
  const values: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) {
    values.push(Number(value.toFixed(10)));
  }
  return values;
}

/** Render the series as an SVG line chart with axes, ticks and a legend on the right. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 860;
  const height = options.height ?? 420;
  const margin = { left: 60, right: 240, top: options.subtitle ? 60 : 40, bottom: 50 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;

  const all = options.series.flatMap((series) => series.points);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const xMin = xs.length > 0 ? Math.min(...xs) : 0;
  const xMax = xs.length > 0 ? Math.max(...xs) : 1;
  let yMin = ys.length > 0 ? Math.min(...ys) : 0;
  let yMax = ys.length > 0 ? Math.max(...ys) : 1;
  if (yMax - yMin < 1) {
    // A flat line still gets a visible band around it.
    yMin -= 1;
    yMax += 1;
  }
  const xScale = (x: number) => margin.left + (xMax === xMin ? plotWidth / 2 : ((x - xMin) / (xMax - xMin)) * plotWidth);
  const yScale = (y: number) => margin.top + plotHeight - ((y - yMin) / (yMax - yMin)) * plotHeight;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${margin.left}" y="20" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`);
  if (options.subtitle) {
    parts.push(`<text x="${margin.left}" y="38" fill="#a00">${escapeXml(options.subtitle)}</text>`);
  }

  // Axes with grid lines at the ticks.
  const bottom = margin.top + plotHeight;
  parts.push(`<line x1="${margin.left}" y1="${bottom}" x2="${margin.left + plotWidth}" y2="${bottom}" stroke="black"/>`);
  parts.push(`<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${bottom}" stroke="black"/>`);
  for (const value of ticks(yMin, yMax)) {
    const y = yScale(value).toFixed(1);
    parts.push(`<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotWidth}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${value}</text>`);
  }
  for (let x = Math.ceil(xMin); x <= xMax; x += 1) {
    parts.push(`<text x="${xScale(x).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${x}</text>`);
  }
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );

  // One polyline per series, with point markers, and its legend entry.
  options.series.forEach((series, index) => {
    const colour = palette[index % palette.length] as string;
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    const points = series.points.map(([x, y]) => `${xScale(x).toFixed(1)},${yScale(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points}"/>`);
    for (const [x, y] of series.points) {
      parts.push(`<circle cx="${xScale(x).toFixed(1)}" cy="${yScale(y).toFixed(1)}" r="2.5" fill="${colour}"/>`);
    }
    const legendY = margin.top + 8 + index * 18;
    const legendX = margin.left + plotWidth + 16;
    parts.push(`<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${legendX + 30}" y="${legendY}" dominant-baseline="middle">${escapeXml(series.name)}</text>`);
  });

  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
