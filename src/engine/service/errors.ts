/**
 * Conversion of thrown values into the error payload that crosses a transport.
 */
import type { ApiErrorPayload } from '../api.js';
import { GlovError } from '../errors.js';

/** Turn any thrown value into a readable payload without a stack trace. */
export function toErrorPayload(error: unknown): ApiErrorPayload {
  if (error instanceof GlovError) {
    return error.hint === undefined
      ? { message: error.message, code: error.code }
      : { message: error.message, code: error.code, hint: error.hint };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `Unexpected engine error: ${message}`,
    code: 'internal-error',
    hint: 'Check the log of the app or of `glov serve` for details, then retry.',
  };
}

/** Rebuild a GlovError on the client side from a payload, so callers can read `code` and `hint`. */
export function fromErrorPayload(payload: ApiErrorPayload): GlovError {
  return new GlovError(payload.message, { code: payload.code, ...(payload.hint ? { hint: payload.hint } : {}) });
}
