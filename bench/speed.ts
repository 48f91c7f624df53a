/**
 * Speed benchmark, in one process so that every ratio shares the machine's
 * conditions at that moment:
 *   1. generation throughput: faithful steered, cached steered and unsteered
 *      batched decoding, and the naive reference loop (whole sequence
 *      recomputed per token, batch 1), on one realistic meta-prompt;
 *   2. time per optimization step, split into generation and scoring, over a
 *      few real GLOV steps on dtd10, with the text-embedding cache hit rate;
 *   3. scoring: text-encoder throughput and image embedding time (cold and cached);
 *   4. step time against the number of classes and of candidates per step;
 *   5. peak memory.
 *
 * Run it through scripts/bench-speed.sh; `--help` lists the options.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { describeError } from '../src/engine/errors.js';
import { defaultThreadCount, loadModels, openDataset } from '../src/engine/inputs.js';
import { LlamaOptimizer } from '../src/engine/llm/llama-optimizer.js';
import type { GenerationRequest, GenerationResult, SteeringRequest } from '../src/engine/llm/types.js';
import { defaultLayer } from '../src/engine/optimizer/config.js';
import { embedImagesCached } from '../src/engine/optimizer/fitness.js';
import { runGlov } from '../src/engine/optimizer/run.js';
import { toLlmForm } from '../src/engine/optimizer/template.js';
import { openStore, type Store } from '../src/engine/store/database.js';
import { fillTemplate } from '../src/engine/vlm/zero-shot.js';
import { countTextCacheLookups } from './lib/cache-counter.js';
import { DATASET_DESCRIPTIONS } from './lib/datasets.js';
import { defaultDatasetsRoot, isTinyClip, machineInfo, machineLines, tinyClipDir, TINY_CLIP_CAVEAT } from './lib/machine.js';
import { sampleMetaPrompt } from './lib/meta-prompt-sample.js';
import { formatRatio } from './lib/stats.js';
import { toMarkdown } from './lib/table.js';

const help = `Usage: bash scripts/bench-speed.sh [options]

Measure generation, scoring and step times in one process and print Markdown tables.

  --llm REF           optimizer LLM: .gguf path, hf:ORG/REPO/FILE.gguf or default (default: default)
  --vlm DIR           CLIP ONNX export folder (default: the tiny toy CLIP test fixture)
  --datasets-root DIR folder with dtd10, caltech101 and tinyimagenet200 (default ../shared/datasets)
  --threads N         CPU threads for llama.cpp and ONNX Runtime (default: all cores)
  --seed N            sampler and k-shot seed (default 7777)
  --quick             smaller sizes (fewer samples, tokens, steps and sweep points) for a smoke test
  --help              print this help`;

/** Sizes of one benchmark run. --quick shrinks every one of them. */
interface Sizes {
  /** Samples per generate call for the batched modes. */
  samples: number;
  maxNewTokens: number;
  /** Caps of the naive loop, which is compared per token because it is too slow for full sizes. */
  naiveSamples: number;
  naiveTokens: number;
  /** Steps of the real GLOV run on dtd10. */
  runSteps: number;
  runCandidates: number;
  classSweep: string[];
  candidateSweep: number[];
  /** Templates encoded for the text-encoder throughput, each filled with every class name of caltech101. */
  encoderTemplates: number;
}

const fullSizes: Sizes = {
  samples: 8,
  maxNewTokens: 50,
  naiveSamples: 2,
  naiveTokens: 12,
  runSteps: 3,
  runCandidates: 4,
  classSweep: ['dtd10', 'caltech101', 'tinyimagenet200'],
  candidateSweep: [2, 4, 8],
  encoderTemplates: 8,
};

const quickSizes: Sizes = {
  samples: 4,
  maxNewTokens: 16,
  naiveSamples: 1,
  naiveTokens: 4,
  runSteps: 2,
  runCandidates: 2,
  classSweep: ['dtd10', 'caltech101'],
  candidateSweep: [2, 4],
  encoderTemplates: 2,
};

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function rate(result: GenerationResult): number {
  return result.generatedTokens / result.seconds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      llm: { type: 'string' },
      vlm: { type: 'string' },
      'datasets-root': { type: 'string' },
      threads: { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    print(help);
    return;
  }
  const threads = values.threads === undefined ? defaultThreadCount() : Number(values.threads);
  const seed = values.seed === undefined ? 7777 : Number(values.seed);
  if (!Number.isInteger(threads) || threads < 1 || !Number.isInteger(seed) || seed < 0) {
    throw new Error(`Invalid --threads '${values.threads}' or --seed '${values.seed}': expected integers (threads >= 1, seed >= 0).`);
  }
  const sizes = values.quick ? quickSizes : fullSizes;
  const datasetsRoot = path.resolve(values['datasets-root'] ?? defaultDatasetsRoot);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'glov-bench-speed-'));

  const loadStart = performance.now();
  const models = await loadModels({ llm: values.llm ?? 'default', vlm: values.vlm ?? tinyClipDir, threads, device: 'cpu' });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  try {
    const llm = models.llm;
    const vlm = models.vlm;
    const layer = defaultLayer(llm.layerCount);

    print('# GLOV speed benchmark');
    print();
    if (isTinyClip(models.vlmPath)) {
      print(`**${TINY_CLIP_CAVEAT} Scoring times are those of a 2-layer toy CLIP, far below a real ViT-B/32.**`);
      print();
    }
    for (const line of [
      ...machineLines(machineInfo()),
      `LLM: ${models.llmPath} (${llm.layerCount} blocks, width ${llm.embeddingLength}); VLM: ${models.vlmPath}`,
      `Threads ${threads}, seed ${seed}, mode ${values.quick ? 'quick' : 'full'}, models loaded in ${loadSeconds.toFixed(1)} s`,
    ]) {
      print(`- ${line}`);
    }
    print();

    // 1. Generation throughput on one meta-prompt.
    if (!(llm instanceof LlamaOptimizer)) {
      throw new Error('The speed benchmark needs the llama.cpp optimizer (a GGUF model) for the naive reference loop.');
    }
    const metaPrompt = sampleMetaPrompt({ datasetName: 'dtd10', datasetDescription: DATASET_DESCRIPTIONS.dtd10 ?? '', step: 2 });
    const [best, second] = await llm.captureMeanHiddenStates(
      [toLlmForm('a close-up photo of a {c} texture.'), toLlmForm('a blurry photo of a {c}.')],
      { layer, pooling: 'padded' },
    );
    const vector = new Float32Array(llm.embeddingLength);
    for (let i = 0; i < vector.length; i += 1) {
      vector[i] = (best?.[i] ?? 0) - (second?.[i] ?? 0);
    }
    const steering = (mode: SteeringRequest['mode']): SteeringRequest => ({ vector, layer, alpha: 1, mode });
    const request = (n: number, maxNewTokens: number, steer: SteeringRequest | null): GenerationRequest => ({
      messages: metaPrompt.messages,
      n,
      maxNewTokens,
      sampling: { temperature: 1, topK: 50, topP: 0.9, seed },
      steering: steer,
    });

    // A short warm-up call pages the weights in, so the first timed mode is not penalized.
    await llm.generate(request(1, 2, null));
    const faithful = await llm.generate(request(sizes.samples, sizes.maxNewTokens, steering('faithful')));
    const cached = await llm.generate(request(sizes.samples, sizes.maxNewTokens, steering('cached')));
    const unsteered = await llm.generate(request(sizes.samples, sizes.maxNewTokens, null));
    const naive = await llm.generateNaiveReference(request(sizes.naiveSamples, sizes.naiveTokens, steering('faithful')));

    print(`## 1. Generation throughput (prompt ${faithful.promptTokens} tokens, alpha 1.0 at layer ${layer})`);
    print();
    print(
      `Tokens/s = generated tokens / wall time of the whole call, prompt evaluation included. ` +
        `The naive reference is capped at ${sizes.naiveSamples} x ${sizes.naiveTokens} tokens (samples x budget) ` +
        `(the batched modes: ${sizes.samples} x ${sizes.maxNewTokens}), so it is compared per token. ` +
        'Its cost per token grows with the sequence length, so the cap flatters it slightly.',
    );
    print();
    const generationRows: Array<[string, GenerationResult]> = [
      ['(a) faithful steered, batched, KV cache', faithful],
      ['(b) cached steered, batched, KV cache', cached],
      ['(c) unsteered, batched, KV cache', unsteered],
      ['(d) naive reference, steered, batch 1, full recompute', naive],
    ];
    print(
      toMarkdown({
        header: ['Mode', 'Samples', 'Generated tokens', 'Seconds', 'Tokens/s'],
        rows: generationRows.map(([label, result]) => [
          label,
          String(result.texts.length),
          String(result.generatedTokens),
          result.seconds.toFixed(2),
          rate(result).toFixed(2),
        ]),
      }),
    );
    print(`Ratios: (a)/(d) ${formatRatio(rate(faithful), rate(naive))}, (b)/(d) ${formatRatio(rate(cached), rate(naive))}, (a)/(c) ${formatRatio(rate(faithful), rate(unsteered), 2)}`);
    print();

    // 2. A real GLOV run on dtd10: step times split, text cache hit rate.
    const { optimizerDataset: dtd10 } = openDataset(path.join(datasetsRoot, 'dtd10'), { name: 'dtd10' });
    const runStore = openStore(path.join(workDir, 'run.sqlite'));
    const counts = countTextCacheLookups(runStore);
    const stepRows: string[][] = [];
    const textsBefore = countTextRows(runStore);
    await runGlov({
      llm,
      vlm,
      dataset: dtd10,
      store: runStore,
      config: { steps: sizes.runSteps, candidatesPerStep: sizes.runCandidates, seed, guidance: 'faithful', datasetDescription: DATASET_DESCRIPTIONS.dtd10 ?? '' },
      onEvent: (event) => {
        if (event.type === 'step-started') {
          stepRows.push([String(event.step), event.steered ? 'yes' : 'no']);
        } else if (event.type === 'step-finished') {
          const row = stepRows[stepRows.length - 1] as string[];
          row.push(
            String(event.promptTokens),
            String(event.generatedTokens),
            event.generationSeconds.toFixed(2),
            event.scoringSeconds.toFixed(3),
            (100 * (event.scoringSeconds / (event.generationSeconds + event.scoringSeconds))).toFixed(1),
          );
        }
      },
    });
    const textsAfter = countTextRows(runStore);
    runStore.close();
    print(`## 2. Time per step: a GLOV run on dtd10 (${sizes.runSteps} steps x ${sizes.runCandidates} candidates, guidance faithful, alpha 1.0)`);
    print();
    print('A step is steered only after the best fitness has strictly improved once.');
    print();
    print(
      toMarkdown({
        header: ['Step', 'Steered', 'Prompt tokens', 'Generated tokens', 'Generation s', 'Scoring s', 'Scoring share %'],
        rows: stepRows,
      }),
    );
    const hitRate = counts.lookups === 0 ? 'not measured' : `${((100 * counts.hits) / counts.lookups).toFixed(1)}%`;
    print(
      `Text-embedding cache over the run (test evaluation included): ${counts.lookups} lookups, ${counts.hits} hits (${hitRate}); ` +
        `${textsAfter - textsBefore} texts encoded and stored.`,
    );
    print();

    // 3. Scoring: text encoder throughput and image embedding, cold then cached.
    const { dataset: caltech, optimizerDataset: caltechView } = openDataset(path.join(datasetsRoot, 'caltech101'), { name: 'caltech101' });
    const templates = ['a photo of a {c}.', 'a close-up photo of a {c}.', 'a blurry photo of the {c}.', 'a drawing of a {c}.', 'a photo of the small {c}.', 'a bright photo of a {c}.', 'a cropped photo of the {c}.', 'itap of a {c}.'].slice(0, sizes.encoderTemplates);
    const texts = templates.flatMap((template) => caltechView.classNames.map((name) => fillTemplate(template, name)));
    const encodeStart = performance.now();
    await vlm.embedTexts(texts);
    const encodeSeconds = (performance.now() - encodeStart) / 1000;

    const imageStore = openStore(path.join(workDir, 'images.sqlite'));
    const testImages = await dtd10.testSplit();
    const imageKey = { datasetFingerprint: dtd10.fingerprint, split: 'test', shots: 0, seed: 0, preprocessing: '' };
    const coldStart = performance.now();
    await embedImagesCached({ vlm, store: imageStore, images: testImages, key: imageKey });
    const coldSeconds = (performance.now() - coldStart) / 1000;
    const warmStart = performance.now();
    await embedImagesCached({ vlm, store: imageStore, images: testImages, key: imageKey });
    const warmSeconds = (performance.now() - warmStart) / 1000;
    imageStore.close();

    print('## 3. Scoring');
    print();
    print(
      toMarkdown({
        header: ['Measure', 'Value'],
        rows: [
          [
            `Text encoder: ${templates.length} templates x ${caltech.classes.length} classes (caltech101), no cache`,
            `${texts.length} texts in ${encodeSeconds.toFixed(2)} s = ${(texts.length / encodeSeconds).toFixed(0)} texts/s`,
          ],
          [`Image embedding, dtd10 test (${testImages.files.length} images), first call`, `${coldSeconds.toFixed(2)} s (${((1000 * coldSeconds) / testImages.files.length).toFixed(1)} ms/image)`],
          ['Same call again (served from the SQLite image cache)', `${(1000 * warmSeconds).toFixed(1)} ms`],
        ],
      }),
    );

    // 4. Step time against classes and candidates: one unsteered step per run, fresh store each.
    const sweepStep = async (datasetName: string, candidates: number): Promise<{ classes: number; generation: number; scoring: number }> => {
      const { optimizerDataset } = openDataset(path.join(datasetsRoot, datasetName), { name: datasetName });
      const store = openStore(':memory:');
      let generation = 0;
      let scoring = 0;
      await runGlov({
        llm,
        vlm,
        dataset: optimizerDataset,
        store,
        config: { steps: 1, candidatesPerStep: candidates, seed, guidance: 'none', maxNewTokens: sizes.maxNewTokens, datasetDescription: DATASET_DESCRIPTIONS[datasetName] ?? '' },
        onEvent: (event) => {
          if (event.type === 'step-finished') {
            generation = event.generationSeconds;
            scoring = event.scoringSeconds;
          }
        },
      });
      store.close();
      return { classes: optimizerDataset.classNames.length, generation, scoring };
    };
    print(`## 4. Step time against classes and candidates (step 0, unsteered, ${sizes.maxNewTokens} new tokens max, fresh cache per run)`);
    print();
    const classRows: string[][] = [];
    for (const name of sizes.classSweep) {
      const result = await sweepStep(name, sizes.runCandidates);
      classRows.push([name, String(result.classes), String(sizes.runCandidates), result.generation.toFixed(2), result.scoring.toFixed(3)]);
    }
    for (const candidates of sizes.candidateSweep) {
      const result = await sweepStep('dtd10', candidates);
      classRows.push(['dtd10', String(result.classes), String(candidates), result.generation.toFixed(2), result.scoring.toFixed(3)]);
    }
    print(toMarkdown({ header: ['Dataset', 'Classes', 'Candidates', 'Generation s', 'Scoring s'], rows: classRows }));

    // 5. Memory.
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    print('## 5. Memory');
    print();
    print(`Peak resident set size of this process: ${maxRssMiB.toFixed(0)} MiB (process.resourceUsage().maxRSS).`);
  } finally {
    await models.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function countTextRows(store: Store): number {
  return (store.prepare('SELECT COUNT(*) AS count FROM text_embeddings').get() as { count: number }).count;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-speed failed: ${describeError(error)}\n`);
  process.exitCode = 1;
});
