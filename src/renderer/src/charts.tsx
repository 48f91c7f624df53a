/**
 * Line chart in hand-written SVG: fitness or accuracy (percent) against step.
 */
export interface ChartSeries {
  label: string;
  /** One value per step; null leaves a gap (a step with no scored template). */
  values: (number | null)[];
}

/** Colours with enough contrast on white and against each other. */
const palette = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#0a7480', '#bf3989', '#57606a'];

const width = 640;
const height = 260;
const margin = { top: 16, right: 16, bottom: 36, left: 48 };

export function LineChart({ series, title, xLabel }: { series: ChartSeries[]; title: string; xLabel: string }) {
  const maxLength = Math.max(1, ...series.map((entry) => entry.values.length));
  const allValues = series.flatMap((entry) => entry.values).filter((value): value is number => value !== null && Number.isFinite(value));
  const low = allValues.length ? Math.max(0, Math.floor(Math.min(...allValues) / 10) * 10) : 0;
  const high = allValues.length ? Math.min(100, Math.ceil(Math.max(...allValues) / 10) * 10) : 100;
  const span = Math.max(high - low, 10);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (index: number) => margin.left + (maxLength === 1 ? plotWidth / 2 : (index / (maxLength - 1)) * plotWidth);
  const y = (value: number) => margin.top + plotHeight - ((value - low) / span) * plotHeight;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => low + fraction * span);

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        <title>{title}</title>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={margin.left} x2={width - margin.right} y1={y(tick)} y2={y(tick)} className="grid" />
            <text x={margin.left - 6} y={y(tick) + 4} textAnchor="end" className="tick">
              {tick.toFixed(0)}
            </text>
          </g>
        ))}
        {Array.from({ length: maxLength }, (_, index) => index)
          .filter((index) => maxLength <= 12 || index % Math.ceil(maxLength / 12) === 0)
          .map((index) => (
            <text key={index} x={x(index)} y={height - margin.bottom + 16} textAnchor="middle" className="tick">
              {index}
            </text>
          ))}
        <text x={margin.left + plotWidth / 2} y={height - 4} textAnchor="middle" className="axis-label">
          {xLabel}
        </text>
        {series.map((entry, seriesIndex) => {
          const colour = palette[seriesIndex % palette.length];
          // Split the line at gaps, so a step without a value is not bridged.
          const segments: string[][] = [[]];
          entry.values.forEach((value, index) => {
            if (value === null) {
              segments.push([]);
            } else {
              segments.at(-1)!.push(`${x(index)},${y(value)}`);
            }
          });
          return (
            <g key={entry.label}>
              {segments
                .filter((segment) => segment.length > 1)
                .map((segment, segmentIndex) => (
                  <polyline key={segmentIndex} points={segment.join(' ')} fill="none" stroke={colour} strokeWidth={2} />
                ))}
              {entry.values.map((value, index) =>
                value === null ? null : (
                  <circle key={index} cx={x(index)} cy={y(value)} r={3} fill={colour}>
                    <title>{`${entry.label}, step ${index}: ${value.toFixed(1)} %`}</title>
                  </circle>
                ),
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((entry, seriesIndex) => (
          <span key={entry.label} className="legend-item">
            <svg width="14" height="14" aria-hidden="true">
              <rect width="14" height="14" fill={palette[seriesIndex % palette.length]} />
            </svg>
            {entry.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Horizontal bars of test accuracy per run. */
export function BarChart({ bars, title }: { bars: { label: string; value: number | null }[]; title: string }) {
  const rowHeight = 26;
  const labelWidth = 220;
  const chartHeight = bars.length * rowHeight + 8;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${chartHeight}`} role="img" aria-label={title}>
        <title>{title}</title>
        {bars.map((bar, index) => {
          const barWidth = ((bar.value ?? 0) / 100) * (width - labelWidth - 60);
          return (
            <g key={`${bar.label}-${index}`} transform={`translate(0, ${index * rowHeight + 4})`}>
              <text x={labelWidth - 8} y={16} textAnchor="end" className="tick">
                {bar.label}
              </text>
              <rect x={labelWidth} y={3} width={barWidth} height={rowHeight - 8} fill={palette[index % palette.length]} />
              <text x={labelWidth + barWidth + 6} y={16} className="tick">
                {bar.value === null ? 'no test accuracy' : `${bar.value.toFixed(1)} %`}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
