/**
 * Entry point of the `glov` command line. Each subcommand parses its own
 * options and calls the engine; this file only dispatches and turns errors
 * into readable messages and exit codes.
 */
import { describeError, GlovError } from '../engine/errors.js';
import { evaluateCommand, evaluateHelp } from './commands/evaluate.js';
import { exportCommand, exportHelp } from './commands/export.js';
import { optimizeCommand, optimizeHelp } from './commands/optimize.js';
import { runsCommand, runsHelp } from './commands/runs.js';
import { serveCommand, serveHelp } from './commands/serve.js';

const usage = `Usage: glov COMMAND [options]

GLOV: an LLM proposes prompt templates for a CLIP model, guided by the difference of hidden
states between its best and second-best templates.

Commands:
  optimize   run or resume an optimization on a dataset folder
  evaluate   score templates on a dataset split
  runs       list stored runs, or show one
  export     write a run's templates as JSON, CSV, a list or CLIP_benchmark templates
  serve      open the workbench in a browser through a local, token-protected server

Run 'glov COMMAND --help' for the options of a command.`;

const commands: Record<string, { run: (argv: readonly string[]) => Promise<number>; help: string }> = {
  optimize: { run: optimizeCommand, help: optimizeHelp },
  evaluate: { run: evaluateCommand, help: evaluateHelp },
  runs: { run: runsCommand, help: runsHelp },
  export: { run: exportCommand, help: exportHelp },
  serve: { run: serveCommand, help: serveHelp },
};

/** Exit codes: 0 success, 1 unexpected failure, 2 invalid input (a GlovError), 3 paused or cancelled run. */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`glov: unknown command '${name}'.\n\n${usage}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${describeError(error)}\n`);
    if (!(error instanceof GlovError) && process.env.GLOV_LOG_LEVEL === 'debug' && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    process.exitCode = error instanceof GlovError ? 2 : 1;
  },
);
