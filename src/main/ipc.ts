/**
 * Dispatch of IPC calls to the workbench service, kept free of Electron
 * imports so it can be tested under plain Node.
 */
import { apiMethodNames, type ApiErrorPayload, type ApiMethodName } from '../engine/api.js';
import { createLogger } from '../engine/log.js';
import { toErrorPayload } from '../engine/service/errors.js';
import type { WorkbenchService } from '../engine/service/service.js';

const log = createLogger('main.ipc');

export type CallReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

/**
 * Run one API call. Unknown methods and non-array arguments are rejected;
 * errors become readable payloads, never stack traces.
 */
export async function dispatchCall(service: WorkbenchService, method: unknown, args: unknown): Promise<CallReply> {
  if (typeof method !== 'string' || !(apiMethodNames as readonly string[]).includes(method)) {
    return { ok: false, error: { message: `Unknown API method: ${String(method)}.`, code: 'ipc-unknown-method' } };
  }
  if (!Array.isArray(args)) {
    return { ok: false, error: { message: 'API arguments must be an array.', code: 'ipc-invalid-args' } };
  }
  try {
    const callable = service[method as ApiMethodName] as (...callArgs: unknown[]) => Promise<unknown>;
    return { ok: true, result: (await callable.apply(service, args)) ?? null };
  } catch (error) {
    const payload = toErrorPayload(error);
    if (payload.code === 'internal-error') {
      log.error(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    return { ok: false, error: payload };
  }
}
