/**
 * One logging format for the whole engine: `ISO-time | LEVEL | scope | message`,
 * written to stderr so stdout stays free for results and `--json` output.
 *
 * The level comes from GLOV_LOG_LEVEL (debug, info, warn, error; default info).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Receives every formatted line; replaced by front ends that show logs elsewhere. */
let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

function thresholdFromEnvironment(): number {
  const requested = (process.env.GLOV_LOG_LEVEL ?? 'info').toLowerCase();
  return levelRank[requested as LogLevel] ?? levelRank.info;
}

/** Route log lines somewhere else (for example into a UI panel); returns the previous sink. */
export function setLogSink(next: (line: string) => void): (line: string) => void {
  const previous = sink;
  sink = next;
  return previous;
}

/** Create a logger whose lines carry `scope`, for example `optimizer.run`. */
export function createLogger(scope: string): Logger {
  const write = (level: LogLevel, message: string): void => {
    if (levelRank[level] < thresholdFromEnvironment()) {
      return;
    }
    sink(`${new Date().toISOString()} | ${level.toUpperCase().padEnd(5)} | ${scope} | ${message}`);
  };
  return {
    debug: (message) => write('debug', message),
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
  };
}
