/** `glov runs`: list stored runs, or show one run's steps, guidance and evaluations. */
import { GlovError } from '../../engine/errors.js';
import {
  getEvaluations,
  getGuidancePairs,
  getRun,
  getSteps,
  leaderboard,
  listRuns,
} from '../../engine/store/queries.js';
import { integerOption, parseCommandLine, stringOption, type OptionSpecs } from '../options.js';
import { formatTable, percent, printJson, printLine } from '../output.js';
import { dbOptionHelp, openStoreOption } from '../store-option.js';

export const runsHelp = `Usage: glov runs [list] [options]
       glov runs show RUN_ID [options]

List the stored runs, or show one run: its steps, guidance pairs, evaluations and best templates.

${dbOptionHelp}
  --top N                with show: templates in the leaderboard (default 10)
  --json                 print JSON on stdout`;

const options: OptionSpecs = {
  db: { type: 'string' },
  top: { type: 'string' },
  json: { type: 'boolean' },
};

export async function runsCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('runs', argv, options);
  const [action = 'list', runIdText] = positionals;
  const json = values.json === true;
  const { store } = openStoreOption(stringOption(values, 'db'));
  try {
    if (action === 'list') {
      const runs = listRuns(store);
      if (json) {
        printJson(runs);
      } else if (runs.length === 0) {
        printLine("No runs yet. Start one with 'glov optimize --dataset DIR'.");
      } else {
        printLine(
          formatTable(
            ['id', 'status', 'dataset', 'mode', 'guidance', 'alpha', 'steps', 'best train', 'created'],
            runs.map((run) => [
              String(run.id),
              run.status,
              run.datasetName,
              run.mode,
              run.config.guidance,
              String(run.config.alpha),
              `${run.stepsDone}/${run.config.steps}`,
              percent(run.bestFitness),
              run.createdAt.slice(0, 19).replace('T', ' '),
            ]),
          ),
        );
      }
      return 0;
    }

    if (action !== 'show') {
      throw new GlovError(`Unknown action '${action}' for glov runs.`, {
        code: 'invalid-option',
        hint: "Use 'glov runs list' or 'glov runs show RUN_ID'.",
      });
    }
    const runId = Number(runIdText);
    const run = Number.isInteger(runId) ? getRun(store, runId) : null;
    if (!run) {
      throw new GlovError(`Run '${runIdText ?? ''}' not found.`, {
        code: 'run-not-found',
        hint: "List stored runs with 'glov runs'.",
      });
    }
    const top = integerOption(values, 'top', { min: 1, max: 100000 }) ?? 10;
    const detail = {
      run,
      steps: getSteps(store, runId),
      guidancePairs: getGuidancePairs(store, runId),
      evaluations: getEvaluations(store, runId),
      leaderboard: leaderboard(store, runId).slice(0, top),
    };
    if (json) {
      printJson(detail);
      return 0;
    }
    printLine(`Run ${run.id} (${run.status}) on ${run.datasetName}: ${run.mode}, guidance ${run.config.guidance}, alpha ${run.config.alpha}, layer ${run.config.layer}, seed ${run.seed}`);
    printLine();
    printLine(
      formatTable(
        ['step', 'step best', 'accepted', 'rejected', 'generation s', 'scoring s', 'tokens'],
        detail.steps.map((step) => [
          String(step.step + 1),
          percent(step.bestFitness),
          String(step.acceptedCount),
          String(step.rejectedCount),
          step.generationSeconds.toFixed(1),
          step.scoringSeconds.toFixed(2),
          String(step.generatedTokens),
        ]),
      ),
    );
    if (detail.evaluations.length > 0) {
      printLine();
      printLine(
        formatTable(
          ['split', 'kind', 'top-1', 'templates'],
          detail.evaluations.map((evaluation) => [
            evaluation.split,
            evaluation.kind,
            percent(evaluation.top1),
            evaluation.templates.join(' | '),
          ]),
        ),
      );
    }
    printLine();
    printLine(
      formatTable(
        ['train', 'seen', 'template'],
        detail.leaderboard.map((row) => [percent(row.trainFitness), String(row.occurrences), row.template]),
      ),
    );
    return 0;
  } finally {
    store.close();
  }
}
