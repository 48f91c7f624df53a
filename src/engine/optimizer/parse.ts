/**
 * Turn one sampled LLM reply into one candidate template (still in the
 * `<category>` form; template.ts normalizes and validates it).
 *
 * Two modes:
 * - 'robust' (default): drop a generated assistant header, take the first
 *   non-empty line that is not a bare preamble such as "Here are 10 new
 *   templates:", strip list markers and surrounding quotes, and strip a
 *   leading "label:" only when the label has no placeholder, so a template
 *   that contains a colon keeps it. A trailing "--- Accuracy: N" copied from
 *   the meta-prompt's example lines is dropped. A JSON list of strings yields its first item.
 * - 'reference': the reference code's behaviour, kept for fidelity tests.
 *   It deletes newlines and every "assistant" substring, then keeps the text
 *   after the last colon, untrimmed and with quotes.
 */
import type { ParseMode } from './config.js';

const placeholderHint = /\{[^{}]*\}|<[a-z_]+>|\[[a-z_]+\]/i;

/** Header that the model writes itself when the chat template has no generation prompt. */
const assistantHeader = /^\s*(?:<\|start_header_id\|>\s*)?assistant\s*(?:<\|end_header_id\|>)?\s*(?:\n|$)/i;

// Bullets, "1." / "1)" / "(1)", and "1:" (the numbering the meta-prompt itself uses).
const listMarker = /^\s*(?:[-*•]|\d+\s*[.):]|\(\d+\))\s+/;

// Small models often copy the meta-prompt's example layout, score included:
// "a photo of a <category>. --- Accuracy: 10". The score is not part of the template.
const echoedAccuracy = /\s*-{2,}\s*accuracy\s*:?\s*[\d.]*\s*%?\s*$/i;

const quotePairs: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['‘', '’'],
  ['`', '`'],
];

function stripQuotes(text: string): string {
  let result = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [open, close] of quotePairs) {
      if (result.length >= 2 && result.startsWith(open) && result.endsWith(close)) {
        result = result.slice(open.length, result.length - close.length).trim();
        changed = true;
      }
    }
  }
  return result;
}

/** A line like "Here is a new template:" with nothing after the colon and no placeholder. */
function isBarePreamble(line: string): boolean {
  return line.endsWith(':') && !placeholderHint.test(line);
}

/** Remove a leading "label:" when the label itself contains no placeholder. */
function stripLabel(line: string): string {
  const colon = line.indexOf(':');
  if (colon < 0) {
    return line;
  }
  const label = line.slice(0, colon);
  const rest = line.slice(colon + 1).trim();
  if (placeholderHint.test(label) || !placeholderHint.test(rest)) {
    return line;
  }
  return rest;
}

function firstJsonItem(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed)) {
      const first = parsed.find((item): item is string => typeof item === 'string' && item.trim() !== '');
      return first ?? '';
    }
  } catch {
    // Not JSON after all: fall through to line parsing.
  }
  return null;
}

function parseRobust(reply: string): string {
  const body = reply.replace(assistantHeader, '');
  const jsonItem = firstJsonItem(body);
  if (jsonItem !== null) {
    return stripQuotes(jsonItem);
  }
  for (const rawLine of body.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (line === '' || isBarePreamble(line)) {
      continue;
    }
    line = stripQuotes(line.replace(listMarker, ''));
    line = stripQuotes(stripLabel(line));
    return stripQuotes(line.replace(listMarker, '').replace(echoedAccuracy, ''));
  }
  return '';
}

function parseReference(reply: string): string {
  const joined = reply.replace(/\n/g, '').split('assistant').join('');
  const colon = joined.lastIndexOf(':');
  return colon < 0 ? joined : joined.slice(colon + 1);
}

/** Parse one reply into one candidate template string ('' when nothing usable is found). */
export function parseReply(reply: string, mode: ParseMode = 'robust'): string {
  return mode === 'reference' ? parseReference(reply) : parseRobust(reply);
}
