/**
 * Wire format of the browser bridge, shared by the server and the renderer's client.
 *
 * Calls: `POST /api/<method>` with body `{"args": [...]}` and header
 * `Authorization: Bearer <token>`. The reply is `{"ok": true, "result": ...}`
 * or `{"ok": false, "error": {message, code, hint}}`.
 * Events: a WebSocket on `/api/events`. The token travels as the subprotocol
 * `glov-token.<token>` or as the first message `{"token": "<token>"}`.
 */
import type { ApiErrorPayload, RunEvent } from '../engine/api.js';

export const apiPathPrefix = '/api/';
export const eventsPath = '/api/events';
export const tokenSubprotocolPrefix = 'glov-token.';

export type CallReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

export type EventMessage = { type: 'ready' } | { type: 'event'; event: RunEvent };
