/**
 * The one error type the engine raises for problems a user can fix.
 *
 * The message says what failed and on which value; `hint` says what to do
 * next. Front ends (CLI, app, bridge) show both and never a stack trace.
 */
export class GlovError extends Error {
  /** Short kebab-case id, stable for scripts (for example `dataset-not-found`). */
  readonly code: string;
  /** What the user should do next, when the message alone does not say it. */
  readonly hint: string | undefined;

  constructor(message: string, options: { code?: string; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GlovError';
    this.code = options.code ?? 'glov-error';
    this.hint = options.hint;
  }
}

/** Format any thrown value as one or two readable lines, without a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof GlovError) {
    return error.hint ? `${error.message}\n${error.hint}` : error.message;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
