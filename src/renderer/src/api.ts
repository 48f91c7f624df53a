/**
 * Pick the transport of the workbench API: the preload's IPC bridge in the
 * desktop app, the HTTP/WebSocket bridge in a browser. Screens import `api`
 * and never see which one it is.
 */
import type { WorkbenchApi } from '../../engine/api.js';
import { createBridgeClient } from './bridge-client.js';

declare global {
  interface Window {
    glov?: WorkbenchApi;
  }
}

const tokenStorageKey = 'glov-bridge-token';

/**
 * Read the bridge token from the URL fragment once, keep it for reloads of
 * this tab, and remove it from the address bar so it is not copied around.
 */
function takeBridgeToken(): string {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    sessionStorage.setItem(tokenStorageKey, fromUrl);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromUrl;
  }
  return sessionStorage.getItem(tokenStorageKey) ?? '';
}

export const api: WorkbenchApi =
  window.glov ?? createBridgeClient({ baseUrl: window.location.origin, token: takeBridgeToken() });

/** Readable text of a failed call: the message and, when present, what to do. */
export function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    const hint = 'hint' in error && typeof error.hint === 'string' ? `\n${error.hint}` : '';
    return `${String(error.message)}${hint}`;
  }
  return String(error);
}
