/**
 * The browser bridge: the workbench API over HTTP and WebSocket on 127.0.0.1.
 *
 * It serves the built renderer and forwards calls to the same service the
 * desktop app uses. Every API request needs the per-start token. Static files
 * need none, because the page receives the token in its URL fragment, and
 * browsers do not send the fragment to the server.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

import { apiMethodNames, type ApiMethodName, type RunEvent } from '../engine/api.js';
import { GlovError } from '../engine/errors.js';
import { createLogger } from '../engine/log.js';
import { toErrorPayload } from '../engine/service/errors.js';
import type { WorkbenchService } from '../engine/service/service.js';
import { bearerToken, createToken, isAllowedHost, tokensMatch } from './auth.js';
import { apiPathPrefix, eventsPath, tokenSubprotocolPrefix, type CallReply, type EventMessage } from './protocol.js';

const log = createLogger('bridge');

/** Largest accepted request body, in bytes. API arguments are small JSON objects. */
const maxBodyBytes = 1024 * 1024;

/** Built renderer, relative to this file in both `src/bridge` and a bundled `out/` layout. */
const defaultStaticDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'renderer');

/**
 * Same rules as the Electron window: only our own scripts and styles, images
 * from data URLs (thumbnails), and connections back to this server.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface BridgeOptions {
  /** Interface to listen on; only loopback addresses are accepted. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Access token; a random one is created when absent. */
  token?: string;
  /** SQLite file of the run store, used when `service` is absent. */
  dbPath?: string;
  /** Folders under which a typed dataset or model path is accepted. */
  dataRoots?: string[];
  /** Folder of the built renderer (`npm run build`). */
  staticDir?: string;
  /** A service to serve instead of creating one from `dbPath` (tests, embedding). */
  service?: WorkbenchService;
}

export interface RunningBridge {
  /** Page URL with the token in the fragment; print it once. */
  url: string;
  host: string;
  port: number;
  token: string;
  service: WorkbenchService;
  close(): Promise<void>;
}

/** Start the bridge and resolve once it listens. */
export async function startBridge(options: BridgeOptions = {}): Promise<RunningBridge> {
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new GlovError(`Refusing to listen on ${host}: the bridge serves only the loopback interface.`, {
      code: 'bridge-host-not-loopback',
      hint: 'Pass --host 127.0.0.1 (the default).',
    });
  }
  const token = options.token ?? createToken();
  const staticDir = options.staticDir ?? defaultStaticDir;
  const ownsService = options.service === undefined;
  const service = options.service ?? (await createDefaultService(options));

  const sockets = new Set<WebSocket>();
  let port = 0;

  const server: Server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      log.error(`request ${request.method} ${request.url} failed: ${String(error)}`);
      if (!response.headersSent) {
        sendJson(response, 500, { ok: false, error: toErrorPayload(error) });
      } else {
        response.end();
      }
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isAllowedHost(request.headers.host, port)) {
      sendText(response, 421, 'Unknown Host header: open the bridge through 127.0.0.1 or localhost.');
      return;
    }
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith(apiPathPrefix)) {
      await handleApiCall(request, response, url.pathname.slice(apiPathPrefix.length));
      return;
    }
    await serveStatic(response, url.pathname);
  }

  async function handleApiCall(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    if (!tokensMatch(token, bearerToken(request.headers.authorization))) {
      log.warn(`rejected ${method}: missing or invalid token (from ${request.socket.remoteAddress ?? 'unknown'})`);
      sendJson(response, 401, {
        ok: false,
        error: {
          message: 'Missing or invalid bridge token.',
          code: 'bridge-unauthorized',
          hint: 'Open the URL that `glov serve` printed; it carries the token.',
        },
      });
      return;
    }
    if (request.method !== 'POST') {
      sendText(response, 405, 'API calls use POST.');
      return;
    }
    if (!(apiMethodNames as readonly string[]).includes(method)) {
      sendJson(response, 404, {
        ok: false,
        error: { message: `Unknown API method: ${method}.`, code: 'bridge-unknown-method' },
      });
      return;
    }
    let args: unknown[];
    try {
      args = await readArgs(request);
    } catch (error) {
      log.warn(`rejected ${method}: ${toErrorPayload(error).message}`);
      sendJson(response, 400, { ok: false, error: toErrorPayload(error) });
      return;
    }
    try {
      const callable = service[method as ApiMethodName] as (...callArgs: unknown[]) => Promise<unknown>;
      const result = await callable.apply(service, args);
      sendJson(response, 200, { ok: true, result: result ?? null });
    } catch (error) {
      const payload = toErrorPayload(error);
      if (payload.code === 'internal-error') {
        log.error(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      sendJson(response, error instanceof GlovError ? 400 : 500, { ok: false, error: payload });
    }
  }

  async function serveStatic(response: ServerResponse, pathname: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      // A lone or invalid %-escape is a client error, not an engine failure.
      sendText(response, 400, 'Invalid percent-encoding in the URL path.');
      return;
    }
    const relative = pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const filePath = path.resolve(staticDir, relative);
    // Reject `..` escapes: the resolved file must stay inside the renderer folder.
    if (filePath !== staticDir && !filePath.startsWith(staticDir + path.sep)) {
      sendText(response, 404, 'Not found.');
      return;
    }
    const info = await stat(filePath).catch(() => null);
    if (!info?.isFile()) {
      const missingBuild = relative === 'index.html';
      sendText(
        response,
        404,
        missingBuild ? `Renderer not built: ${filePath} is missing. Run \`npm run build\` first.` : 'Not found.',
      );
      return;
    }
    response.writeHead(200, {
      'Content-Type': mimeTypes[path.extname(filePath)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    createReadStream(filePath).pipe(response);
  }

  const webSockets = new WebSocketServer({
    noServer: true,
    // Echo our subprotocol back, so browsers accept the upgrade when the token rides in it.
    handleProtocols: (protocols) => {
      for (const protocol of protocols) {
        if (protocol.startsWith(tokenSubprotocolPrefix)) {
          return protocol;
        }
      }
      return false;
    },
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (!isAllowedHost(request.headers.host, port) || url.pathname !== eventsPath) {
      socket.destroy();
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      const offered = webSocket.protocol.startsWith(tokenSubprotocolPrefix)
        ? webSocket.protocol.slice(tokenSubprotocolPrefix.length)
        : null;
      if (tokensMatch(token, offered)) {
        admit(webSocket);
        return;
      }
      // No token in the subprotocol: the first message must carry it.
      webSocket.once('message', (data) => {
        let presented: string | null = null;
        try {
          const parsed = JSON.parse(String(data)) as { token?: unknown };
          presented = typeof parsed.token === 'string' ? parsed.token : null;
        } catch {
          presented = null;
        }
        if (tokensMatch(token, presented)) {
          admit(webSocket);
        } else {
          log.warn('rejected an events socket: missing or invalid token');
          webSocket.close(4401, 'invalid token');
        }
      });
    });
  });

  function admit(webSocket: WebSocket): void {
    sockets.add(webSocket);
    webSocket.on('close', () => sockets.delete(webSocket));
    webSocket.send(JSON.stringify({ type: 'ready' } satisfies EventMessage));
  }

  const unsubscribe = service.onRunEvent((event: RunEvent) => {
    const message = JSON.stringify({ type: 'event', event } satisfies EventMessage);
    for (const webSocket of sockets) {
      webSocket.send(message);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new GlovError(`Cannot listen on ${host}:${options.port ?? 0}: ${error.message}`, {
          code: 'bridge-listen-failed',
          hint: 'Pick another port with --port, or 0 for a free one.',
          cause: error,
        }),
      );
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  const url = `http://${urlHost}:${port}/#token=${token}`;
  log.info(`listening on http://${urlHost}:${port}/ (static files from ${staticDir})`);

  return {
    url,
    host,
    port,
    token,
    service,
    async close() {
      unsubscribe();
      for (const webSocket of sockets) {
        webSocket.terminate();
      }
      webSockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (ownsService) {
        await service.close();
      }
      log.info('stopped');
    },
  };
}

async function createDefaultService(options: BridgeOptions): Promise<WorkbenchService> {
  const { createWorkbenchService } = await import('../engine/service/service.js');
  return createWorkbenchService({
    transport: 'bridge',
    ...(options.dbPath === undefined ? {} : { dbPath: options.dbPath }),
    ...(options.dataRoots === undefined ? {} : { dataRoots: options.dataRoots }),
  });
}

async function readArgs(request: IncomingMessage): Promise<unknown[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      throw new GlovError(`Request body larger than ${maxBodyBytes} bytes.`, { code: 'bridge-body-too-large' });
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new GlovError('Request body is not valid JSON.', { code: 'bridge-invalid-json' });
  }
  const args = (parsed as { args?: unknown }).args;
  if (args === undefined) {
    return [];
  }
  if (!Array.isArray(args)) {
    throw new GlovError('Request body field "args" must be an array.', { code: 'bridge-invalid-args' });
  }
  return args;
}

function sendJson(response: ServerResponse, status: number, body: CallReply): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(text);
}
