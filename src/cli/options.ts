/**
 * Option parsing shared by every subcommand.
 *
 * Built on node:util parseArgs in strict mode, so an unknown flag or a missing
 * value is rejected with the flag's name. Numbers and choices are checked here,
 * before any model is loaded.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { GlovError } from '../engine/errors.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommandLine {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parse `argv` against `options`; unknown flags raise a GlovError that names them. */
export function parseCommandLine(
  command: string,
  argv: readonly string[],
  options: OptionSpecs,
): ParsedCommandLine {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedCommandLine['values'], positionals };
  } catch (error) {
    throw new GlovError(`glov ${command}: ${(error as Error).message}`, {
      code: 'invalid-option',
      hint: `Run 'glov ${command} --help' for the list of options.`,
    });
  }
}

/** Read an optional string option. */
export function stringOption(values: ParsedCommandLine['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Read an optional number option within [min, max]; the error names the flag, the value and the range. */
function boundedNumberOption(
  values: ParsedCommandLine['values'],
  name: string,
  { min, max, integer }: { min: number; max: number; integer: boolean },
): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) {
    return undefined;
  }
  const parsed = Number(raw);
  const wellFormed = integer ? Number.isInteger(parsed) : Number.isFinite(parsed);
  if (!wellFormed || parsed < min || parsed > max) {
    const kind = integer ? 'an integer' : 'a number';
    throw new GlovError(`Invalid --${name} '${raw}': expected ${kind} from ${min} to ${max}.`, {
      code: 'invalid-option',
    });
  }
  return parsed;
}

/** Read an optional integer option within [min, max]. */
export function integerOption(
  values: ParsedCommandLine['values'],
  name: string,
  { min, max }: { min: number; max: number },
): number | undefined {
  return boundedNumberOption(values, name, { min, max, integer: true });
}

/** Read an optional finite number option within [min, max]. */
export function numberOption(
  values: ParsedCommandLine['values'],
  name: string,
  { min, max }: { min: number; max: number },
): number | undefined {
  return boundedNumberOption(values, name, { min, max, integer: false });
}

/** Read an optional option restricted to a fixed set of choices. */
export function choiceOption<T extends string>(
  values: ParsedCommandLine['values'],
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) {
    return undefined;
  }
  if (!(choices as readonly string[]).includes(raw)) {
    throw new GlovError(`Invalid --${name} '${raw}': expected one of ${choices.join(', ')}.`, {
      code: 'invalid-option',
    });
  }
  return raw as T;
}
