/**
 * Parsing and validation of the New run form: typed text to run settings.
 *
 * The engine validates again when the run starts; checking here lets the
 * form name each bad field next to it before anything is sent.
 */
import type { RunSettingSpec, RunSettings } from '../../engine/api.js';

export type FormValues = Record<string, string>;

export interface FormResult {
  settings: RunSettings | null;
  /** Message per setting key, empty when every field is valid. */
  errors: Record<string, string>;
}

/** Text of a spec's default value, as the form shows it. */
export function defaultFormValues(specs: readonly RunSettingSpec[]): FormValues {
  return Object.fromEntries(specs.map((spec) => [spec.key, String(spec.defaultValue)]));
}

function rangeText(spec: RunSettingSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) {
    return `from ${spec.min} to ${spec.max}`;
  }
  if (spec.min !== undefined) {
    return `of at least ${spec.min}`;
  }
  return spec.max !== undefined ? `of at most ${spec.max}` : '';
}

/**
 * Parse one field. Returns the value, or an error message that names the
 * setting and the typed value and describes what to enter instead.
 */
export function parseSetting(
  spec: RunSettingSpec,
  raw: string,
  { layerCount }: { layerCount: number | null },
): { value: unknown } | { error: string } {
  const text = raw.trim();
  const shown = JSON.stringify(text);
  switch (spec.kind) {
    case 'text':
    case 'long-text':
      return { value: text };
    case 'choice':
      return spec.choices?.includes(text)
        ? { value: text }
        : { error: `${spec.label}: ${shown} is not an option. Choose one of ${spec.choices?.join(', ')}.` };
    case 'layer': {
      if (text === '' || text === 'auto') {
        return { value: 'auto' };
      }
      const layer = Number(text);
      const highest = layerCount === null ? null : layerCount - 1;
      const range = highest === null ? 'a block index of at least 0' : `a block index from 0 to ${highest}`;
      if (!/^\d+$/.test(text) || (highest !== null && layer > highest)) {
        return { error: `${spec.label}: ${shown} is not a valid layer. Enter auto or ${range}.` };
      }
      return { value: layer };
    }
    case 'integer':
    case 'number': {
      const wanted = spec.kind === 'integer' ? 'a whole number' : 'a number';
      const value = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value) || (spec.kind === 'integer' && !Number.isInteger(value))) {
        return {
          error: `${spec.label}: ${shown} is not ${wanted}. Enter ${wanted} ${rangeText(spec)}.`.trimEnd(),
        };
      }
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        return { error: `${spec.label}: ${text} is out of range. Enter ${wanted} ${rangeText(spec)}.` };
      }
      return { value };
    }
  }
}

/** Parse every field; `settings` is null when any field is invalid. */
export function parseSettingsForm(
  specs: readonly RunSettingSpec[],
  values: FormValues,
  options: { layerCount: number | null },
): FormResult {
  const settings: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const spec of specs) {
    const parsed = parseSetting(spec, values[spec.key] ?? '', options);
    if ('error' in parsed) {
      errors[spec.key] = parsed.error;
    } else {
      settings[spec.key] = parsed.value;
    }
  }
  return { settings: Object.keys(errors).length === 0 ? (settings as unknown as RunSettings) : null, errors };
}
