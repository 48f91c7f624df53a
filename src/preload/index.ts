/**
 * The preload: exposes the workbench API to the renderer through contextBridge.
 *
 * Only the named API methods cross. The renderer gets no ipcRenderer, no
 * Node modules and no file-system access. Failed calls arrive as readable
 * errors with `code` and `hint`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

import { apiMethodNames, type ApiErrorPayload, type RunEvent, type WorkbenchApi } from '../engine/api.js';
import { callChannel, eventChannel } from '../main/channels.js';

type CallReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

class WorkbenchError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint: string | undefined,
  ) {
    super(message);
    this.name = 'WorkbenchError';
  }
}

async function call(method: string, args: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(callChannel, method, args)) as CallReply;
  if (!reply.ok) {
    throw new WorkbenchError(reply.error.message, reply.error.code, reply.error.hint);
  }
  return reply.result;
}

const api: Record<string, unknown> = {
  onRunEvent(listener: (event: RunEvent) => void) {
    const handler = (_event: IpcRendererEvent, runEvent: RunEvent) => listener(runEvent);
    ipcRenderer.on(eventChannel, handler);
    return () => {
      ipcRenderer.removeListener(eventChannel, handler);
    };
  },
};
for (const method of apiMethodNames) {
  api[method] = (...args: unknown[]) => call(method, args);
}

contextBridge.exposeInMainWorld('glov', api as unknown as WorkbenchApi);
