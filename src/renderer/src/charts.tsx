/**
 * Charts in hand-written SVG: fitness or accuracy (percent) against step.
 *
 * Legends are HTML lists beside the plot, so labels wrap and never overlap
 * the swatches. Steps arrive 0-based from the store and are drawn 1-based,
 * as the CLI prints them.
 */
import { memo } from 'react';

import { displayStep } from './format.js';

export interface ChartSeries {
  label: string;
  /** One value per 0-based step; null leaves a gap (a step with no scored template). */
  values: (number | null)[];
  /** Index into the palette; defaults to the series' position, so callers can keep a run's colour across charts. */
  colourIndex?: number;
}

/** Colours with enough contrast on white and against each other. */
const palette = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#0a7480', '#bf3989', '#57606a'];
/** Dash patterns cycle with the colours, so overlapping lines and colour-blind readers can still tell series apart. */
const dashes = ['', '6 4', '2 3', '10 3 2 3'];

export function seriesColour(index: number): string {
  return palette[index % palette.length]!;
}

function seriesDash(index: number): string {
  return dashes[index % dashes.length]!;
}

const width = 640;
const height = 280;
const margin = { top: 12, right: 16, bottom: 44, left: 56 };
/** Above this many steps the per-step dots are dropped; the line alone reads better and renders faster. */
const maxStepsWithDots = 40;

/** Round tick spacing (1, 2, 2.5 or 5 times a power of ten) giving at most `maxTicks` ticks over `span`. */
export function niceTickStep(span: number, maxTicks: number): number {
  const rough = span / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (factor * power >= rough) {
      return factor * power;
    }
  }
  return 10 * power;
}

/** Percent range shown on the y axis: the data range widened to whole ticks, within [0, 100]. */
function percentRange(values: readonly number[]): { low: number; high: number; tick: number } {
  if (values.length === 0) {
    return { low: 0, high: 100, tick: 20 };
  }
  const min = Math.min(...values);
  const max = Math.max(...values);
  // A flat line still needs a visible range around it.
  const tick = niceTickStep(Math.max(max - min, 10), 5);
  const low = Math.max(0, Math.floor(min / tick) * tick - (min === max ? tick : 0));
  const high = Math.min(100, Math.max(low + tick, Math.ceil(max / tick) * tick + (min === max ? tick : 0)));
  return { low, high, tick };
}

function Legend({ entries }: { entries: { label: string; colourIndex: number }[] }) {
  return (
    <ul className="legend" aria-label="Legend">
      {entries.map((entry) => (
        <li key={entry.label} className="legend-item">
          <svg className="legend-swatch" width="28" height="12" aria-hidden="true">
            <line
              x1="1"
              x2="27"
              y1="6"
              y2="6"
              stroke={seriesColour(entry.colourIndex)}
              strokeWidth={3}
              strokeDasharray={seriesDash(entry.colourIndex)}
            />
          </svg>
          <span>{entry.label}</span>
        </li>
      ))}
    </ul>
  );
}

interface LineChartProps {
  series: ChartSeries[];
  title: string;
  xLabel: string;
  yLabel: string;
}

/** Line chart of percent values per step. Memoized: it redraws only when its series change. */
export const LineChart = memo(function LineChart({ series, title, xLabel, yLabel }: LineChartProps) {
  const stepCount = Math.max(1, ...series.map((entry) => entry.values.length));
  const allValues = series
    .flatMap((entry) => entry.values)
    .filter((value): value is number => value !== null && Number.isFinite(value));
  const { low, high, tick } = percentRange(allValues);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (index: number) =>
    margin.left + (stepCount === 1 ? plotWidth / 2 : (index / (stepCount - 1)) * plotWidth);
  const y = (value: number) => margin.top + plotHeight - ((value - low) / (high - low)) * plotHeight;
  const yTicks: number[] = [];
  for (let value = low; value <= high + 1e-9; value += tick) {
    yTicks.push(value);
  }
  // Step ticks at round 1-based numbers; the first step is always labelled.
  const stepTick = Math.max(1, Math.ceil(niceTickStep(stepCount, 10)));
  const xTicks = [0];
  for (let shown = stepTick; shown <= stepCount; shown += stepTick) {
    if (shown - 1 > 0) {
      xTicks.push(shown - 1);
    }
  }
  const showDots = stepCount <= maxStepsWithDots;
  const tickDecimals = Number.isInteger(tick) ? 0 : 1;
  const coloured = series.map((entry, index) => ({ ...entry, colourIndex: entry.colourIndex ?? index }));

  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      <div className="chart-body">
        <svg
          className="chart-plot"
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={`${title}: ${yLabel} against ${xLabel}`}
        >
          {yTicks.map((value) => (
            <g key={value}>
              <line x1={margin.left} x2={width - margin.right} y1={y(value)} y2={y(value)} className="grid" />
              <text x={margin.left - 6} y={y(value) + 4} textAnchor="end" className="tick">
                {value.toFixed(tickDecimals)}
              </text>
            </g>
          ))}
          {xTicks.map((index) => (
            <text
              key={index}
              x={x(index)}
              y={height - margin.bottom + 16}
              textAnchor="middle"
              className="tick"
            >
              {displayStep(index)}
            </text>
          ))}
          <text x={margin.left + plotWidth / 2} y={height - 8} textAnchor="middle" className="axis-label">
            {xLabel}
          </text>
          <text
            transform={`translate(14, ${margin.top + plotHeight / 2}) rotate(-90)`}
            textAnchor="middle"
            className="axis-label"
          >
            {yLabel}
          </text>
          {coloured.map((entry) => {
            const colour = seriesColour(entry.colourIndex);
            // Split the line at gaps, so a step without a value is not bridged.
            const segments: { index: number; value: number }[][] = [[]];
            entry.values.forEach((value, index) => {
              if (value === null) {
                segments.push([]);
              } else {
                segments.at(-1)!.push({ index, value });
              }
            });
            return (
              <g key={entry.label}>
                {segments
                  .filter((segment) => segment.length > 1)
                  .map((segment, segmentIndex) => (
                    <polyline
                      key={segmentIndex}
                      points={segment.map((point) => `${x(point.index)},${y(point.value)}`).join(' ')}
                      fill="none"
                      stroke={colour}
                      strokeWidth={2}
                      strokeDasharray={seriesDash(entry.colourIndex)}
                    />
                  ))}
                {/* Dots for every step on short runs; on long runs only for isolated values, which have no line. */}
                {segments
                  .filter((segment) => showDots || segment.length === 1)
                  .flat()
                  .map((point) => (
                    <circle key={point.index} cx={x(point.index)} cy={y(point.value)} r={3} fill={colour}>
                      <title>{`${entry.label}, step ${displayStep(point.index)}: ${point.value.toFixed(1)} %`}</title>
                    </circle>
                  ))}
              </g>
            );
          })}
        </svg>
        <Legend entries={coloured} />
      </div>
    </figure>
  );
});

/** Horizontal bars of test accuracy (percent, 0 to 100) per run. Labels are HTML, so long names wrap. */
export function BarChart({
  bars,
  title,
}: {
  bars: { label: string; value: number | null; colourIndex: number }[];
  title: string;
}) {
  const barAreaWidth = 400;
  const rowHeight = 22;
  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      <table className="bar-chart">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Test accuracy (%)</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar, index) => (
            <tr key={`${bar.label}-${index}`}>
              <th scope="row">{bar.label}</th>
              <td>
                <svg width={barAreaWidth} height={rowHeight} aria-hidden="true">
                  <rect x={0} y={3} width={barAreaWidth} height={rowHeight - 6} className="bar-track" />
                  <rect
                    x={0}
                    y={3}
                    width={((bar.value ?? 0) / 100) * barAreaWidth}
                    height={rowHeight - 6}
                    fill={seriesColour(bar.colourIndex)}
                  />
                </svg>
                <span className="bar-value">
                  {bar.value === null ? 'not evaluated' : `${bar.value.toFixed(1)} %`}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
