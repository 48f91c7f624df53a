/**
 * Prompt templates: one canonical placeholder, normalization and validation.
 *
 * The canonical placeholder is `{c}`, as in CLIP_benchmark's template files.
 * The LLM sees `<category>` instead, because the reference meta-prompt uses it
 * and the steering vector is computed from that form.
 */

export const PLACEHOLDER = '{c}';
export const LLM_PLACEHOLDER = '<category>';

/**
 * Spellings of the class-name slot accepted from LLMs, users and template files.
 * Named forms match case-insensitively: `{}`, `{c}`, `{class}`, `{classname}`,
 * `{class_name}`, `{category}`, `<category>`, `<class>`, `<classname>`,
 * `<class_name>`, `[category]`, `[class]` and `[classname]`.
 */
const placeholderPattern =
  /\{\}|\{(?:c|class|classname|class_name|category)\}|<(?:category|class|classname|class_name)>|\[(?:category|class|classname)\]/gi;

/** Reasons a candidate is rejected before scoring; stored with the candidate. */
export type RejectionReason =
  | 'empty'
  | 'no-placeholder'
  | 'other-field'
  | 'duplicate'
  | 'too-long';

export type TemplateCheck =
  | { ok: true; template: string }
  | { ok: false; template: string; reason: RejectionReason; detail: string };

/** Rewrite every accepted placeholder spelling to `{c}` and collapse whitespace runs. */
export function normalizeTemplate(text: string): string {
  return text.replace(placeholderPattern, PLACEHOLDER).replace(/\s+/g, ' ').trim();
}

/** Fill every `{c}` of a canonical template with a class name. */
export function fillTemplate(template: string, className: string): string {
  return template.split(PLACEHOLDER).join(className);
}

/** Show a canonical template in the form the LLM reads and writes. */
export function toLlmForm(template: string): string {
  return template.split(PLACEHOLDER).join(LLM_PLACEHOLDER);
}

export interface TemplateRules {
  /** Canonical templates already in the run's history. */
  seen: ReadonlySet<string>;
  /** Token count of a filled text, start and end tokens included (the VLM's tokenizer). */
  countTokens: (text: string) => number;
  /** The VLM's text context length (77 for CLIP). */
  contextLength: number;
  /** The class name with the most tokens, used for the length check. */
  longestClassName: string;
}

/**
 * Normalize a candidate and decide whether it may be scored.
 *
 * Rejected: empty text, no class-name slot, any other `{...}` field (a
 * format string with an unknown field cannot be filled), an exact duplicate
 * of a template already in the history, and a text that the VLM would
 * truncate when filled with the longest class name. Duplicates are rejected,
 * not rescored: scoring is deterministic, so a copy would only crowd the
 * in-context examples with the same template. Several `{c}` are allowed.
 */
export function checkTemplate(raw: string, rules: TemplateRules): TemplateCheck {
  const template = normalizeTemplate(raw);
  if (template === '') {
    return { ok: false, template, reason: 'empty', detail: 'the reply contains no template' };
  }
  if (!template.includes(PLACEHOLDER)) {
    return {
      ok: false,
      template,
      reason: 'no-placeholder',
      detail: 'the template has no class-name placeholder such as {c} or <category>',
    };
  }
  const otherField = template.split(PLACEHOLDER).join('').match(/\{[^{}]*\}/);
  if (otherField) {
    return {
      ok: false,
      template,
      reason: 'other-field',
      detail: `the template contains the field ${otherField[0]}, which cannot be filled`,
    };
  }
  if (rules.seen.has(template)) {
    return { ok: false, template, reason: 'duplicate', detail: 'the template is already in the history' };
  }
  const tokens = rules.countTokens(fillTemplate(template, rules.longestClassName));
  if (tokens > rules.contextLength) {
    return {
      ok: false,
      template,
      reason: 'too-long',
      detail: `${tokens} tokens with the longest class name, over the context length ${rules.contextLength}`,
    };
  }
  return { ok: true, template };
}
