/**
 * Electron main process: one window, the IPC surface of the workbench API,
 * and file dialogs. Runs execute in worker threads started by the service,
 * so the window never waits on model inference.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';

import { createLogger } from '../engine/log.js';
import { createWorkbenchService, type WorkbenchService } from '../engine/service/service.js';
import { callChannel, eventChannel } from './channels.js';
import { dispatchCall } from './ipc.js';

const log = createLogger('main');
const bundleDir = path.dirname(fileURLToPath(import.meta.url));

/** Same policy as the renderer's meta tag. It is sent as a header too, so it also covers responses without the tag. */
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

let service: WorkbenchService | null = null;
let mainWindow: BrowserWindow | null = null;

async function pickPath(kind: 'dataset' | 'llm' | 'vlm'): Promise<string | null> {
  const options: Electron.OpenDialogOptions =
    kind === 'llm'
      ? { title: 'Choose the optimizer LLM', properties: ['openFile'], filters: [{ name: 'GGUF model', extensions: ['gguf'] }] }
      : { title: kind === 'dataset' ? 'Choose a dataset folder' : 'Choose a CLIP ONNX folder', properties: ['openDirectory'] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'GLOV Workbench',
    show: false,
    webPreferences: {
      preload: path.join(bundleDir, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  // The renderer does not navigate or open windows. Links to https pages open in the system browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) {
      void shell.openExternal(url);
    }
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());

  const devServer = process.env.ELECTRON_RENDERER_URL;
  if (devServer) {
    void window.loadURL(devServer);
  } else {
    void window.loadFile(path.join(bundleDir, '..', 'renderer', 'index.html'));
  }
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  // The app needs no camera, microphone, notifications or other web permissions.
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));

  service = await createWorkbenchService({
    transport: 'ipc',
    dbPath: process.env.GLOV_DB ?? path.join(app.getPath('userData'), 'glov.sqlite'),
    pickPath,
  });
  const activeService = service;

  ipcMain.handle(callChannel, (event, method: unknown, args: unknown) => {
    // Serve IPC calls only from our own window's top frame.
    if (event.sender !== mainWindow?.webContents || event.senderFrame !== mainWindow.webContents.mainFrame) {
      return { ok: false, error: { message: 'Call from an unknown frame.', code: 'ipc-forbidden' } };
    }
    return dispatchCall(activeService, method, args);
  });
  activeService.onRunEvent((runEvent) => mainWindow?.webContents.send(eventChannel, runEvent));

  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) {
      mainWindow = createWindow();
    }
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') {
    app.quit();
  }
});

let closing = false;
app.on('before-quit', (event) => {
  if (closing || service === null) {
    return;
  }
  // Stop running workers first: their runs are stored as interrupted and can be resumed next time.
  event.preventDefault();
  closing = true;
  service
    .close()
    .catch((error: unknown) => log.error(`closing the service failed: ${String(error)}`))
    .finally(() => app.quit());
});

start().catch((error: unknown) => {
  log.error(`startup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  dialog.showErrorBox('GLOV Workbench could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
