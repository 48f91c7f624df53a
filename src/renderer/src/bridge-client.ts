/**
 * The browser transport of the workbench API: HTTP calls and a WebSocket for events.
 */
import type { ApiMethodName, RunEvent, WorkbenchApi } from '../../engine/api.js';
import { apiMethodNames } from '../../engine/api.js';
import type { CallReply, EventMessage } from '../../bridge/protocol.js';
import { apiPathPrefix, eventsPath, tokenSubprotocolPrefix } from '../../bridge/protocol.js';

/** Error raised in the renderer for a failed call; `hint` says what to do. */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint: string | undefined,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** Reconnect delay of the event socket after it drops. */
const reconnectMilliseconds = 1000;

export function createBridgeClient({ baseUrl, token }: { baseUrl: string; token: string }): WorkbenchApi {
  const listeners = new Set<(event: RunEvent) => void>();
  let socket: WebSocket | null = null;

  function connect(): void {
    const url = new URL(eventsPath, baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url, [`${tokenSubprotocolPrefix}${token}`]);
    socket.onmessage = (message) => {
      const parsed = JSON.parse(String(message.data)) as EventMessage;
      if (parsed.type === 'event') {
        for (const listener of listeners) {
          listener(parsed.event);
        }
      }
    };
    socket.onclose = () => {
      socket = null;
      if (listeners.size > 0) {
        setTimeout(connect, reconnectMilliseconds);
      }
    };
  }

  async function call(method: ApiMethodName, args: unknown[]): Promise<unknown> {
    const response = await fetch(new URL(`${apiPathPrefix}${method}`, baseUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ args }),
    });
    const reply = (await response.json()) as CallReply;
    if (!reply.ok) {
      throw new ApiCallError(reply.error.message, reply.error.code, reply.error.hint);
    }
    return reply.result;
  }

  const api: Record<string, unknown> = {
    onRunEvent(listener: (event: RunEvent) => void) {
      listeners.add(listener);
      if (socket === null) {
        connect();
      }
      return () => listeners.delete(listener);
    },
  };
  for (const method of apiMethodNames) {
    api[method] = (...args: unknown[]) => call(method, args);
  }
  return api as unknown as WorkbenchApi;
}
