/**
 * Summary statistics for benchmark figures repeated over seeds.
 */

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Sample standard deviation (divisor n - 1), the usual spread reported over
 * seeds. One value has no spread, so it returns 0; an empty list returns NaN.
 */
export function sampleStd(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  if (values.length === 1) {
    return 0;
  }
  const average = mean(values);
  const squares = values.reduce((sum, value) => sum + (value - average) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** Mean and sample standard deviation of one list. */
export interface MeanStd {
  mean: number;
  std: number;
  count: number;
}

export function summarize(values: readonly number[]): MeanStd {
  return { mean: mean(values), std: sampleStd(values), count: values.length };
}

/** Format as `mean ± std` with `digits` decimals; an empty summary prints as an em dash. */
export function formatMeanStd(summary: MeanStd | null, digits = 1): string {
  if (!summary || summary.count === 0 || Number.isNaN(summary.mean)) {
    return '—';
  }
  return `${summary.mean.toFixed(digits)} ± ${summary.std.toFixed(digits)}`;
}

/** Ratio a / b for printing; '—' when b is zero or either side is not finite. */
export function formatRatio(numerator: number, denominator: number, digits = 1): string {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) {
    return '—';
  }
  return `${(numerator / denominator).toFixed(digits)}x`;
}
