/** `glov serve`: the workbench API and UI on 127.0.0.1 for a browser, protected by a token. */
import { startBridge } from '../../bridge/server.js';
import { integerOption, parseCommandLine, stringOption, type OptionSpecs } from '../options.js';
import { dbOptionHelp } from '../store-option.js';

export const serveHelp = `Usage: glov serve [--port N] [--token T]

Serve the workbench to a browser on 127.0.0.1 (build the UI first with 'npm run build').
Open the printed URL; it carries the access token. From another machine, tunnel the port
over SSH (ssh -L 5317:127.0.0.1:5317 host) and open the same URL locally.

  --port N               TCP port (default 5317; 0 picks a free one)
  --token T              access token (default: a new random one)
${dbOptionHelp}`;

const options: OptionSpecs = {
  port: { type: 'string' },
  token: { type: 'string' },
  db: { type: 'string' },
};

export async function serveCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine('serve', argv, options);
  const port = integerOption(values, 'port', { min: 0, max: 65535 }) ?? 5317;
  const token = stringOption(values, 'token');
  const dbPath = stringOption(values, 'db');
  const bridge = await startBridge({
    port,
    ...(token === undefined ? {} : { token }),
    ...(dbPath === undefined ? {} : { dbPath }),
  });
  process.stdout.write(`GLOV Workbench is at ${bridge.url}\nPress Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await bridge.close();
  return 0;
}
