/**
 * Accuracy benchmark: GLOV against its baselines on the test split, per
 * dataset, in the shape of Table 1 of the GLOV paper (arXiv 2410.06154).
 *
 * Methods: S-TEMP ("a photo of a {c}."), CLIP's ImageNet 80-template
 * ensemble, CLIP's dataset-specific list, GLOV without guidance, GLOV with
 * guidance at each alpha in both guidance modes, and the LLM-OPT-style loop.
 * Loop methods run once per seed and report mean ± sample std.
 *
 * Run it through scripts/bench-accuracy.sh; `--help` lists the options.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { evaluateTemplatesOnTest, llmOptConfig, noGuidanceConfig, SINGLE_TEMPLATE } from '../src/engine/baselines/baselines.js';
import { IMAGENET_TEMPLATES, clipTemplatesFor } from '../src/engine/baselines/clip-templates.js';
import { describeError } from '../src/engine/errors.js';
import { defaultThreadCount, loadModels, openDataset } from '../src/engine/inputs.js';
import { defaultLayer } from '../src/engine/optimizer/config.js';
import { runGlov } from '../src/engine/optimizer/run.js';
import { openStore } from '../src/engine/store/database.js';
import {
  accuracyCsvTable,
  accuracyTable,
  costTable,
  fitnessSeries,
  type MethodResult,
  type MethodSpec,
} from './lib/accuracy-report.js';
import { DATASET_DESCRIPTIONS, parseDatasetList } from './lib/datasets.js';
import { defaultDatasetsRoot, isTinyClip, machineInfo, machineLines, repoRoot, tinyClipDir, TINY_CLIP_CAVEAT } from './lib/machine.js';
import { MemoizedLlm } from './lib/memo-llm.js';
import { sampleMetaPrompt } from './lib/meta-prompt-sample.js';
import { lineChart } from './lib/svg-plot.js';
import { toCsv, toMarkdown } from './lib/table.js';

const help = `Usage: bash scripts/bench-accuracy.sh [options]

Compare GLOV with its baselines on the test split of each dataset and write
table.md, table.csv, results.json and one fitness-<dataset>.svg per dataset.

  --datasets LIST     comma-separated dataset folders, or all (default dtd10,imagenette)
  --datasets-root DIR folder that holds the dataset folders (default ../shared/datasets)
  --llm REF           optimizer LLM: .gguf path, hf:ORG/REPO/FILE.gguf or default (default: default)
  --vlm DIR           CLIP ONNX export folder (default: the tiny toy CLIP test fixture)
  --seeds N           seeds per loop method, run as seeds 1..N (default 3, at least 3 for a std)
  --steps N           optimization steps per run (default 3)
  --candidates N      candidate templates per step (default 4)
  --shots K           labelled train images per class for fitness (default 1, as in the paper)
  --max-new-tokens N  token budget per candidate (default 50)
  --alphas LIST       guidance scales, comma-separated (default 0.25,0.5,0.75,1.0)
  --threads N         CPU threads for llama.cpp and ONNX Runtime (default: all cores)
  --out DIR           output folder (default bench/results/<timestamp>-accuracy)
  --no-replay         generate every unsteered step instead of replaying identical requests
  --help              print this help`;

interface Protocol {
  datasets: string[];
  datasetsRoot: string;
  llm: string;
  vlm: string;
  seeds: number[];
  steps: number;
  candidates: number;
  shots: number;
  maxNewTokens: number;
  alphas: number[];
  threads: number;
  out: string;
  replay: boolean;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`Invalid --${name} '${raw}': expected an integer >= ${min}.`);
  }
  return value;
}

function parseProtocol(argv: readonly string[]): Protocol | null {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      datasets: { type: 'string' },
      'datasets-root': { type: 'string' },
      llm: { type: 'string' },
      vlm: { type: 'string' },
      seeds: { type: 'string' },
      steps: { type: 'string' },
      candidates: { type: 'string' },
      shots: { type: 'string' },
      'max-new-tokens': { type: 'string' },
      alphas: { type: 'string' },
      threads: { type: 'string' },
      out: { type: 'string' },
      'no-replay': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    return null;
  }
  const alphas = (values.alphas ?? '0.25,0.5,0.75,1.0').split(',').map((text) => Number(text.trim()));
  if (alphas.some((alpha) => !Number.isFinite(alpha) || alpha <= 0)) {
    throw new Error(`Invalid --alphas '${values.alphas}': expected comma-separated numbers > 0, for example 0.5,1.0.`);
  }
  const seedCount = positiveInteger('seeds', values.seeds, 3);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    datasets: parseDatasetList(values.datasets ?? 'dtd10,imagenette'),
    datasetsRoot: path.resolve(values['datasets-root'] ?? defaultDatasetsRoot),
    llm: values.llm ?? 'default',
    vlm: values.vlm ?? tinyClipDir,
    seeds: Array.from({ length: seedCount }, (_, index) => index + 1),
    steps: positiveInteger('steps', values.steps, 3),
    candidates: positiveInteger('candidates', values.candidates, 4),
    shots: positiveInteger('shots', values.shots, 1),
    maxNewTokens: positiveInteger('max-new-tokens', values['max-new-tokens'], 50),
    alphas,
    threads: positiveInteger('threads', values.threads, defaultThreadCount()),
    out: path.resolve(values.out ?? path.join(repoRoot, 'bench', 'results', `${stamp}-accuracy`)),
    replay: !values['no-replay'],
  };
}

/** Build the compared methods, in table column order. */
function methodList(alphas: readonly number[]): MethodSpec[] {
  const methods: MethodSpec[] = [
    { id: 's-temp', label: 'S-TEMP', kind: 'fixed' },
    { id: 'clip-imagenet80', label: 'CLIP ImageNet-80', kind: 'fixed' },
    { id: 'clip-dataset', label: 'CLIP DS-TEMP', kind: 'fixed' },
    { id: 'glov-none', label: 'GLOV w/o guid.', kind: 'loop', config: noGuidanceConfig() },
  ];
  for (const mode of ['faithful', 'cached'] as const) {
    for (const alpha of alphas) {
      methods.push({
        id: `glov-${mode}-${alpha}`,
        label: `GLOV ${mode} α=${alpha}`,
        kind: 'loop',
        config: { mode: 'glov', guidance: mode, alpha },
        dashed: mode === 'cached',
      });
    }
  }
  methods.push({ id: 'llm-opt', label: 'LLM-OPT', kind: 'loop', config: llmOptConfig() });
  return methods;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const protocol = parseProtocol(process.argv.slice(2));
  if (!protocol) {
    process.stdout.write(`${help}\n`);
    return;
  }
  const methods = methodList(protocol.alphas);
  const loopMethods = methods.filter((method) => method.kind === 'loop');
  const machine = machineInfo();
  mkdirSync(protocol.out, { recursive: true });

  const datasets = protocol.datasets.map((name) => {
    const { dataset, optimizerDataset } = openDataset(path.join(protocol.datasetsRoot, name), { name });
    return { name, dataset, optimizerDataset };
  });

  const models = await loadModels({ llm: protocol.llm, vlm: protocol.vlm, threads: protocol.threads, device: 'cpu' });
  const llm = protocol.replay ? new MemoizedLlm(models.llm) : models.llm;
  const tiny = isTinyClip(models.vlmPath);
  const layer = defaultLayer(models.llm.layerCount);
  const store = openStore(path.join(protocol.out, 'bench.sqlite'));

  const header = [
    '# GLOV accuracy benchmark',
    '',
    ...(tiny ? [`**${TINY_CLIP_CAVEAT}**`, ''] : []),
    'Protocol:',
    `- Datasets: ${datasets.map(({ name, dataset }) => `${name} (${dataset.classes.length} classes, test ${dataset.splits.test.length} images)`).join(', ')}`,
    `- Fitness: ${protocol.shots} train image${protocol.shots === 1 ? '' : 's'} per class (k-shot sample); test: the whole test split`,
    `- Loop: ${protocol.steps} steps x ${protocol.candidates} candidates, ${protocol.maxNewTokens} new tokens max, seeds ${protocol.seeds.join(', ')}`,
    `- Guidance: layer ${layer} of ${models.llm.layerCount} (auto), alphas ${protocol.alphas.join(', ')}, faithful and cached modes`,
    `- LLM: ${models.llmPath}; VLM: ${models.vlmPath}; ${protocol.threads} threads`,
    `- Unsteered replay: ${protocol.replay ? 'on (identical unsteered requests of one seed are generated once and replayed; results are unchanged)' : 'off'}`,
    `- S-TEMP and the CLIP lists do not depend on the seed, so they show one value without a std`,
    '- CLIP DS-TEMP is the list clipTemplatesFor returns: DTD\'s for dtd10, ImageNet\'s 80 for imagenette and tinyimagenet200',
    ...machineLines(machine).map((line) => `- ${line}`),
    '',
  ];
  log(header.join('\n'));

  // Time one realistic unsteered step first, so the runtime estimate rests on this machine's speed now.
  const warmupPrompt = sampleMetaPrompt({ datasetName: 'dtd10', datasetDescription: DATASET_DESCRIPTIONS.dtd10 ?? '', step: 1 });
  const warmup = await models.llm.generate({
    messages: warmupPrompt.messages,
    n: protocol.candidates,
    maxNewTokens: protocol.maxNewTokens,
    sampling: { temperature: 1, topK: 50, topP: 0.9, seed: 0 },
  });
  const stepSeconds = warmup.seconds;
  const loopRuns = datasets.length * protocol.seeds.length * loopMethods.length;
  const upperSteps = loopRuns * protocol.steps;
  // With replay, a guided run replays unsteered steps until its guidance triggers, so the lower bound counts only
  // the steps of the no-guidance and LLM-OPT runs.
  const lowerSteps = protocol.replay ? datasets.length * protocol.seeds.length * 2 * protocol.steps : upperSteps;
  log(
    `Estimate: ${loopRuns} runs; one step took ${stepSeconds.toFixed(1)} s in a warm-up, so between ` +
      `${((lowerSteps * stepSeconds) / 60).toFixed(0)} and ${((upperSteps * stepSeconds * 1.5) / 60).toFixed(0)} minutes ` +
      '(steered faithful steps decode twice; the load of other jobs changes this).\n',
  );

  const results: MethodResult[] = [];
  const started = performance.now();
  let runIndex = 0;
  // Outputs: Markdown, CSV, raw JSON, one SVG per dataset. They are rewritten after every run,
  // so an interrupted benchmark still leaves the figures of the runs it finished.
  const names = datasets.map(({ name }) => name);
  const writeOutputs = (finished: boolean): string => {
    const totalMinutes = (performance.now() - started) / 60000;
    const replayLine =
      llm instanceof MemoizedLlm ? `LLM requests: ${llm.generated} generated, ${llm.replayed} replayed.` : 'LLM requests: all generated.';
    const status = finished ? 'Finished' : `Partial: ${runIndex} of ${loopRuns} loop runs done`;
    const markdown = [
      ...header,
      '## Test top-1 accuracy (%), mean ± std over seeds',
      '',
      toMarkdown(accuracyTable(results, names, methods)),
      '## Cost per loop run (mean over datasets and seeds)',
      '',
      toMarkdown(costTable(results, methods)),
      `${status}. Benchmark time: ${totalMinutes.toFixed(1)} min. ${replayLine}`,
      '',
    ].join('\n');
    writeFileSync(path.join(protocol.out, 'table.md'), markdown);
    writeFileSync(path.join(protocol.out, 'table.csv'), toCsv(accuracyCsvTable(results, names, methods)));
    writeFileSync(path.join(protocol.out, 'results.json'), JSON.stringify({ protocol, machine, layer, finished, results }, null, 2));
    for (const name of names) {
      const svg = lineChart({
        title: `${name}: best train fitness after each step (mean over ${protocol.seeds.length} seeds, initial template not shown)`,
        subtitle: tiny ? 'Tiny toy CLIP fixture: these fitness values are meaningless.' : undefined,
        xLabel: 'step',
        yLabel: 'best fitness (top-1 %, train)',
        series: fitnessSeries(results, name, methods),
      });
      writeFileSync(path.join(protocol.out, `fitness-${name}.svg`), svg);
    }
    return markdown;
  };

  for (const { name, optimizerDataset } of datasets) {
    // Fixed template lists: no seed, evaluated once.
    const ownList = clipTemplatesFor(name);
    const fixed: Array<[string, readonly string[] | null]> = [
      ['s-temp', [SINGLE_TEMPLATE]],
      ['clip-imagenet80', IMAGENET_TEMPLATES],
      ['clip-dataset', ownList],
    ];
    for (const [method, templates] of fixed) {
      const runStart = performance.now();
      const accuracy = templates ? (await evaluateTemplatesOnTest({ vlm: models.vlm, store, dataset: optimizerDataset, templates, label: method })).top1 : null;
      results.push({
        dataset: name,
        method,
        seed: null,
        testAccuracy: accuracy,
        bestFitnessPerStep: [],
        steeredSteps: 0,
        generationSeconds: 0,
        scoringSeconds: 0,
        wallSeconds: (performance.now() - runStart) / 1000,
      });
      log(`[${name}] ${method}: test top-1 ${accuracy === null ? 'n/a (no CLIP list)' : accuracy.toFixed(1)}`);
    }

    for (const seed of protocol.seeds) {
      for (const method of loopMethods) {
        runIndex += 1;
        const result: MethodResult = {
          dataset: name,
          method: method.id,
          seed,
          testAccuracy: null,
          bestFitnessPerStep: [],
          steeredSteps: 0,
          generationSeconds: 0,
          scoringSeconds: 0,
          wallSeconds: 0,
        };
        const runStart = performance.now();
        const outcome = await runGlov({
          llm,
          vlm: models.vlm,
          dataset: optimizerDataset,
          store,
          label: `bench ${method.id} seed ${seed}`,
          config: {
            ...method.config,
            steps: protocol.steps,
            candidatesPerStep: protocol.candidates,
            shots: protocol.shots,
            seed,
            maxNewTokens: protocol.maxNewTokens,
            datasetDescription: DATASET_DESCRIPTIONS[name] ?? '',
          },
          onEvent: (event) => {
            if (event.type === 'step-started' && event.steered) {
              result.steeredSteps += 1;
            } else if (event.type === 'step-finished') {
              result.bestFitnessPerStep.push(event.historyBestFitness);
              result.generationSeconds += event.generationSeconds;
              result.scoringSeconds += event.scoringSeconds;
            }
          },
        });
        result.testAccuracy = outcome.testAccuracy;
        result.wallSeconds = (performance.now() - runStart) / 1000;
        results.push(result);
        writeOutputs(false);
        const elapsed = (performance.now() - started) / 60000;
        log(
          `[${name} seed ${seed}] ${method.label}: test top-1 ${outcome.testAccuracy?.toFixed(1) ?? '-'}, ` +
            `best fitness ${result.bestFitnessPerStep.map((value) => value.toFixed(1)).join(' > ')}, ` +
            `${result.steeredSteps} steered steps, ${result.wallSeconds.toFixed(0)} s (run ${runIndex}/${loopRuns}, ${elapsed.toFixed(1)} min)`,
        );
      }
    }
  }
  const markdown = writeOutputs(true);
  process.stdout.write(markdown);
  log(`Wrote ${protocol.out}`);

  store.close();
  await models.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-accuracy failed: ${describeError(error)}\n`);
  process.exitCode = 1;
});
