/**
 * `glov evaluate`: score a list of templates on a dataset split, each alone
 * and as one ensemble, with the same CLIP scoring the optimizer uses.
 */
import { readFileSync } from 'node:fs';

import { clipTemplatesFor } from '../../engine/baselines/clip-templates.js';
import { GlovError } from '../../engine/errors.js';
import { openDataset } from '../../engine/inputs.js';
import { resolveModel } from '../../engine/models/index.js';
import { embedImagesCached, TemplateScorer } from '../../engine/optimizer/fitness.js';
import { checkTemplate } from '../../engine/optimizer/template.js';
import { loadOnnxClip } from '../../engine/vlm/onnx-clip.js';
import { choiceOption, integerOption, parseCommandLine, stringOption, type OptionSpecs } from '../options.js';
import { formatTable, percent, printJson, printLine, progress } from '../output.js';
import { dbOptionHelp, openStoreOption } from '../store-option.js';

export const evaluateHelp = `Usage: glov evaluate --dataset DIR (--template T ... | --templates-file FILE | --clip-templates NAME) [options]

Score prompt templates on a dataset split: each template alone, then all of them as one
ensemble (normalized text embeddings averaged per class). Templates use {c}, {} or <category>
for the class name.

  --dataset DIR          dataset folder
  --template T           a template; repeat for several
  --templates-file FILE  one template per line, a JSON list, or a CLIP_benchmark JSON object
  --clip-templates NAME  OpenAI CLIP's hand-made list: imagenet, or a dataset name (dtd, caltech101, ...)
  --split S              test or train (default test)
  --shots K              with --split train: images per class (default 1)
  --seed N               with --split train: seed of the k-shot sample (default 7777)
  --vlm REF              CLIP export folder, hf:ORG/REPO or default (default: default)
  --threads N            CPU threads for ONNX Runtime (default: all cores)
${dbOptionHelp}
  --json                 print the result as JSON on stdout
  --quiet                no progress lines on stderr`;

const options: OptionSpecs = {
  dataset: { type: 'string' },
  template: { type: 'string', multiple: true },
  'templates-file': { type: 'string' },
  'clip-templates': { type: 'string' },
  split: { type: 'string' },
  shots: { type: 'string' },
  seed: { type: 'string' },
  vlm: { type: 'string' },
  threads: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
};

/** Read templates from a text file (one per line), a JSON list, or a CLIP_benchmark object of lists. */
export function readTemplatesFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GlovError(`Templates file not found or unreadable: ${file}.`, { code: 'templates-unreadable', cause });
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (cause) {
      throw new GlovError(`Templates file looks like JSON but does not parse: ${file} (${(cause as Error).message}).`, {
        code: 'templates-invalid-json',
      });
    }
    const lists = Array.isArray(parsed) ? [parsed] : Object.values(parsed as Record<string, unknown>);
    const templates = lists.flatMap((list) => (Array.isArray(list) ? list : [])).filter((item) => typeof item === 'string');
    return templates as string[];
  }
  return trimmed
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

export async function evaluateCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine('evaluate', argv, options);
  const json = values.json === true;
  const quiet = values.quiet === true || json;

  // 1. Templates, checked before any model is loaded.
  const raw: string[] = [...((values.template as string[] | undefined) ?? [])];
  const templatesFile = stringOption(values, 'templates-file');
  if (templatesFile) {
    raw.push(...readTemplatesFile(templatesFile));
  }
  const clipList = stringOption(values, 'clip-templates');
  if (clipList) {
    const list = clipTemplatesFor(clipList);
    if (!list) {
      throw new GlovError(`No CLIP template list named '${clipList}'.`, {
        code: 'clip-templates-unknown',
        hint: 'Use imagenet, or a dataset name such as dtd, caltech101, cifar10 or flowers102.',
      });
    }
    raw.push(...list);
  }
  if (raw.length === 0) {
    throw new GlovError('No templates given.', {
      code: 'templates-missing',
      hint: 'Pass --template "a photo of a {c}." (repeatable), --templates-file FILE or --clip-templates NAME.',
    });
  }

  // 2. Dataset and CLIP.
  const datasetFolder = stringOption(values, 'dataset');
  if (!datasetFolder) {
    throw new GlovError('Missing --dataset.', {
      code: 'dataset-missing',
      hint: 'Pass --dataset with a folder that has train/ and test/ class subfolders.',
    });
  }
  const { optimizerDataset } = openDataset(datasetFolder);
  const split = choiceOption(values, 'split', ['test', 'train'] as const) ?? 'test';
  const shots = integerOption(values, 'shots', { min: 1, max: 100000 }) ?? 1;
  const seed = integerOption(values, 'seed', { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 7777;
  const vlmModel = await resolveModel(stringOption(values, 'vlm') ?? 'default', { role: 'clip' });
  const threads = integerOption(values, 'threads', { min: 1, max: 1024 });
  const vlm = await loadOnnxClip({ modelDir: vlmModel.path, ...(threads === undefined ? {} : { intraOpThreads: threads }) });

  const longestClassName = [...optimizerDataset.classNames].sort((a, b) => vlm.countTokens(b) - vlm.countTokens(a))[0] ?? '';
  const templates = raw.map((text) => {
    const check = checkTemplate(text, { seen: new Set(), countTokens: (t) => vlm.countTokens(t), contextLength: vlm.contextLength, longestClassName });
    if (!check.ok) {
      if (check.reason === 'empty') {
        throw new GlovError('Invalid template "": the template is empty.', {
          code: 'template-empty',
          hint: 'Pass a text with a class-name slot, for example --template "a photo of a {c}."',
        });
      }
      // The placeholder hint does not help with a template that is too long for CLIP.
      const hint =
        check.reason === 'too-long'
          ? `Shorten the template: filled with the longest class name ("${longestClassName}") it must fit in ${vlm.contextLength} CLIP tokens.`
          : 'Write the class-name slot as {c}, for example "a photo of a {c}."';
      throw new GlovError(`Invalid template "${text}": ${check.detail}.`, { code: `template-${check.reason}`, hint });
    }
    return check.template;
  });

  // 3. Scores: each template, then the ensemble of all.
  const { store } = openStoreOption(stringOption(values, 'db'));
  try {
    const images =
      split === 'test' ? await optimizerDataset.testSplit() : await optimizerDataset.fewShotTrain({ shots, seed });
    progress(quiet, `embedding ${images.files.length} ${split} images of ${optimizerDataset.name} (cached after the first time)`);
    const embedded = await embedImagesCached({
      vlm,
      store,
      images,
      key: {
        datasetFingerprint: optimizerDataset.fingerprint,
        split,
        shots: split === 'test' ? 0 : shots,
        seed: split === 'test' ? 0 : seed,
        preprocessing: '',
      },
    });
    const scorer = new TemplateScorer({ vlm, store, classNames: optimizerDataset.classNames });
    const rows: Array<{ template: string; top1: number }> = [];
    for (const template of templates) {
      rows.push({ template, top1: (await scorer.accuracy([template], embedded)).top1 });
    }
    const ensemble = await scorer.accuracy(templates, embedded);

    if (json) {
      printJson({
        dataset: optimizerDataset.name,
        split,
        images: embedded.labels.length,
        templates: rows.map((row) => ({ template: row.template, acc1: row.top1 / 100 })),
        ensemble: { templates: templates.length, acc1: ensemble.top1 / 100 },
      });
    } else {
      printLine(formatTable(['top-1', 'template'], rows.map((row) => [percent(row.top1), row.template])));
      printLine();
      printLine(`Ensemble of ${templates.length} template(s): ${percent(ensemble.top1)} on ${embedded.labels.length} ${split} images`);
    }
    return 0;
  } finally {
    store.close();
    await vlm.dispose();
  }
}
