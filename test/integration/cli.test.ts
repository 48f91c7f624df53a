/**
 * The glov command line end to end, on the tiny GGUF, the tiny ONNX CLIP and
 * small copies of real dataset folders. Error cases check the exit code, that
 * the message names the bad value, and that no run record was written.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import Database from 'better-sqlite3';

import { repoRoot, sharedDatasets } from '../helpers/datasets.js';

const glov = path.join(repoRoot, 'bin', 'glov');
const tinyLlm = path.join(repoRoot, 'test', 'fixtures', 'tiny-gguf', 'tiny-chat.gguf');
const tinyClip = path.join(repoRoot, 'test', 'fixtures', 'tiny-clip');

let workDir = '';

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runGlov(args: readonly string[]): CliResult {
  // Commands that load models get 2 threads, so the test behaves the same on any machine.
  const loadsModels = args[0] === 'optimize' || args[0] === 'evaluate';
  const result = spawnSync(glov, loadsModels ? [...args, '--threads', '2'] : [...args], {
    encoding: 'utf8',
    env: { ...process.env, GLOV_LOG_LEVEL: 'warn' },
    timeout: 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Copy `perClass` train and test images of the first `classCount` classes of a shared dataset. */
function smallDataset(name: string, { classCount = 3, perClass = 2 } = {}): string {
  const source = path.join(sharedDatasets, 'dtd10');
  const target = path.join(workDir, name);
  const folders = readdirSync(path.join(source, 'train')).sort().slice(0, classCount);
  for (const split of ['train', 'test']) {
    for (const folder of folders) {
      mkdirSync(path.join(target, split, folder), { recursive: true });
      for (const file of readdirSync(path.join(source, split, folder))
        .sort()
        .slice(0, perClass)) {
        copyFileSync(path.join(source, split, folder, file), path.join(target, split, folder, file));
      }
    }
  }
  return target;
}

function runCount(dbPath: string): number {
  if (!existsSync(dbPath)) {
    return 0;
  }
  const db = new Database(dbPath, { readonly: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get();
    return table ? (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n : 0;
  } finally {
    db.close();
  }
}

before(() => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'glov-cli-'));
});

after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('glov optimize, runs and export', () => {
  test('optimize finishes and exports', () => {
    const dataset = smallDataset('ok');
    const db = path.join(workDir, 'ok.sqlite');
    const optimize = runGlov([
      'optimize',
      '--dataset',
      dataset,
      '--llm',
      tinyLlm,
      '--vlm',
      tinyClip,
      '--steps',
      '2',
      '--candidates',
      '3',
      '--max-new-tokens',
      '12',
      '--db',
      db,
      '--json',
    ]);
    assert.equal(optimize.status, 0, optimize.stderr);
    const summary = JSON.parse(optimize.stdout) as {
      runId: number;
      outcome: string;
      testAccuracy: number;
      baselineTestAccuracy: number;
    };
    assert.equal(summary.outcome, 'finished');
    assert.equal(typeof summary.testAccuracy, 'number');
    assert.equal(typeof summary.baselineTestAccuracy, 'number');

    const show = runGlov(['runs', 'show', String(summary.runId), '--db', db, '--json']);
    assert.equal(show.status, 0, show.stderr);
    const detail = JSON.parse(show.stdout) as { steps: unknown[]; evaluations: Array<{ kind: string }> };
    assert.equal(detail.steps.length, 2);
    assert.deepEqual(detail.evaluations.map((evaluation) => evaluation.kind).sort(), [
      'baseline',
      'glov-ensemble',
    ]);

    const csv = runGlov(['export', String(summary.runId), '--format', 'csv', '--db', db]);
    assert.equal(csv.status, 0, csv.stderr);
    assert.match(csv.stdout.split('\n')[0] ?? '', /^run_id,step,sample_index,template/);

    const clipBenchmark = runGlov([
      'export',
      String(summary.runId),
      '--format',
      'clip-benchmark',
      '--db',
      db,
    ]);
    assert.equal(clipBenchmark.status, 0, clipBenchmark.stderr);
    const templates = JSON.parse(clipBenchmark.stdout) as Record<string, string[]>;
    assert.equal(Object.keys(templates).length, 1);

    const toFolder = runGlov(['export', String(summary.runId), '--output', workDir, '--db', db]);
    assert.equal(toFolder.status, 2, toFolder.stderr);
    assert.match(toFolder.stderr, /Failed to write .*EISDIR/);
    assert.doesNotMatch(toFolder.stderr, /\n\s+at /, 'the error shows a stack trace');
  });

  test('optimize reports initial template fallback', () => {
    // One new token cannot hold the {c} placeholder, so every candidate is rejected and no
    // step has an ensemble to select.
    const dataset = smallDataset('no-accepted');
    const args = [
      'optimize',
      '--dataset',
      dataset,
      '--llm',
      tinyLlm,
      '--vlm',
      tinyClip,
      '--steps',
      '1',
      '--candidates',
      '2',
      '--max-new-tokens',
      '1',
      '--db',
      path.join(workDir, 'no-accepted.sqlite'),
    ];

    const text = runGlov(args);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /No step accepted a candidate/);
    assert.match(text.stdout, /initial template:\n {2}a photo of a \{c\}\.\n/);
    assert.doesNotMatch(text.stdout, /Selected step/);

    const json = runGlov([...args, '--json']);
    assert.equal(json.status, 0, json.stderr);
    const summary = JSON.parse(json.stdout) as { selectedStep: number | null; templates: string[] };
    assert.equal(summary.selectedStep, null);
    assert.deepEqual(summary.templates, ['a photo of a {c}.']);
  });

  test('optimize warns when shots exceed images', () => {
    const result = runGlov([
      'optimize',
      '--dataset',
      smallDataset('few-images', { classCount: 3, perClass: 2 }),
      '--llm',
      tinyLlm,
      '--vlm',
      tinyClip,
      '--shots',
      '100',
      '--steps',
      '1',
      '--candidates',
      '1',
      '--max-new-tokens',
      '1',
      '--db',
      path.join(workDir, 'few-images.sqlite'),
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /WARN .*has 2 training image\(s\), fewer than 100; all are used\. 2 more class\(es\) also have fewer\./,
    );
  });

  test('Ctrl-C pauses and the printed command resumes', async () => {
    const db = path.join(workDir, 'interrupted.sqlite');
    const modelArgs = ['--llm', tinyLlm, '--vlm', tinyClip, '--threads', '2'];
    const child = spawn(
      glov,
      [
        'optimize',
        '--dataset',
        smallDataset('interrupted'),
        ...modelArgs,
        '--steps',
        '20',
        '--candidates',
        '2',
        '--max-new-tokens',
        '4',
        '--db',
        db,
      ],
      { env: { ...process.env, GLOV_LOG_LEVEL: 'warn' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    // The first finished step shows that the loop runs, so SIGINT lands inside it.
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('step 1/20') && !child.killed) {
        child.kill('SIGINT');
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 3, stderr);

    const command = /Resume it with: glov (optimize --resume 1 --db \S+)/.exec(stdout);
    assert.ok(command, `no resume command in ${JSON.stringify(stdout)}`);
    const args = (command[1] ?? '').split(' ');
    assert.equal(args.at(-1), db);

    const finished = stderr.split('\n').filter((line) => line.startsWith('step ')).length;
    const resumed = runGlov([...args, '--llm', tinyLlm, '--vlm', tinyClip]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      new RegExp(`resumed at step ${finished + 1}/20 \\(${finished} finished before\\)`),
    );
  });

  // The tiny GGUF writes no valid template, so no candidate can beat the initial one.
  test('optimize says when guidance never started', () => {
    const dataset = smallDataset('no-guidance-note');
    const result = runGlov([
      'optimize',
      '--dataset',
      dataset,
      '--llm',
      tinyLlm,
      '--vlm',
      tinyClip,
      '--steps',
      '1',
      '--candidates',
      '2',
      '--max-new-tokens',
      '8',
      '--db',
      path.join(workDir, 'no-guidance-note.sqlite'),
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Guidance never started/);
  });

  test('evaluate scores templates and ensemble', () => {
    const dataset = smallDataset('evaluate');
    const result = runGlov([
      'evaluate',
      '--dataset',
      dataset,
      '--vlm',
      tinyClip,
      '--template',
      'a photo of a {c}.',
      '--template',
      'a close-up of <category>.',
      '--db',
      path.join(workDir, 'evaluate.sqlite'),
      '--json',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as {
      templates: Array<{ template: string; acc1: number }>;
      ensemble: { acc1: number };
    };
    assert.deepEqual(
      output.templates.map((row) => row.template),
      ['a photo of a {c}.', 'a close-up of {c}.'],
    );
    assert.ok(output.ensemble.acc1 >= 0 && output.ensemble.acc1 <= 1);
  });
});

describe('glov input errors', () => {
  const cases: Array<{ name: string; prepare: () => string[]; message: RegExp }> = [
    {
      name: 'missing dataset folder',
      prepare: () => ['optimize', '--dataset', path.join(workDir, 'no-such-folder')],
      message: /no-such-folder/,
    },
    {
      name: 'class without images',
      prepare: () => {
        const dataset = smallDataset('empty-class');
        mkdirSync(path.join(dataset, 'train', 'zzz_empty'), { recursive: true });
        mkdirSync(path.join(dataset, 'test', 'zzz_empty'), { recursive: true });
        return ['optimize', '--dataset', dataset];
      },
      message: /zzz_empty/,
    },
    {
      name: 'classnames.json mismatch',
      prepare: () => {
        const dataset = smallDataset('bad-classnames');
        writeFileSync(
          path.join(dataset, 'classnames.json'),
          JSON.stringify({ banded: 'banded', not_a_folder: 'x' }),
        );
        return ['optimize', '--dataset', dataset];
      },
      message: /not_a_folder|blotchy/,
    },
    {
      name: 'dataset with one class',
      prepare: () => ['optimize', '--dataset', smallDataset('one-class', { classCount: 1 })],
      message: /only one class folder \(banded\)/,
    },
    {
      name: 'corrupt image',
      prepare: () => {
        const dataset = smallDataset('corrupt');
        const classFolder = path.join(dataset, 'test', 'banded');
        writeFileSync(path.join(classFolder, 'broken_0099.jpg'), 'this is not a JPEG');
        return ['optimize', '--dataset', dataset];
      },
      message: /broken_0099\.jpg/,
    },
    {
      name: 'missing model file',
      prepare: () => [
        'optimize',
        '--dataset',
        smallDataset('missing-model'),
        '--llm',
        path.join(workDir, 'absent.gguf'),
      ],
      message: /absent\.gguf/,
    },
    {
      name: 'wrong kind of model file',
      prepare: () => {
        const notGguf = path.join(workDir, 'notes.gguf');
        writeFileSync(notGguf, 'plain text, not a model');
        return ['optimize', '--dataset', smallDataset('wrong-model'), '--llm', notGguf];
      },
      message: /notes\.gguf/,
    },
    {
      name: 'layer out of range',
      prepare: () => ['optimize', '--dataset', smallDataset('bad-layer'), '--layer', '99'],
      message: /99/,
    },
    {
      name: 'unknown option',
      prepare: () => ['optimize', '--dataset', smallDataset('bad-option'), '--alpah', '0.5'],
      message: /--alpah/,
    },
  ];

  for (const { name, prepare, message } of cases) {
    test(`optimize rejects ${name}`, () => {
      const db = path.join(workDir, `${name.replace(/\W+/g, '-')}.sqlite`);
      const args = prepare();
      const withModels = args.includes('--llm') ? args : [...args, '--llm', tinyLlm];
      const result = runGlov([
        ...withModels,
        '--vlm',
        tinyClip,
        '--steps',
        '1',
        '--candidates',
        '2',
        '--db',
        db,
      ]);
      assert.equal(result.status, 2, `expected exit 2, got ${result.status}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'the error shows a stack trace');
      assert.equal(runCount(db), 0, 'a run record was written for invalid input');
    });
  }

  test('runs rejects file that is not SQLite', () => {
    const notDatabase = path.join(workDir, 'notes.sqlite');
    writeFileSync(notDatabase, 'garbage, not a database\n');
    const result = runGlov(['runs', '--db', notDatabase]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /Not a SQLite database: .*notes\.sqlite/);
  });

  test('evaluate explains template length and emptiness', () => {
    const dataset = smallDataset('template-checks');
    const evaluate = (template: string): CliResult =>
      runGlov([
        'evaluate',
        '--dataset',
        dataset,
        '--vlm',
        tinyClip,
        '--template',
        template,
        '--db',
        path.join(workDir, 'template-checks.sqlite'),
      ]);

    const long = evaluate(`a photo of a {c} ${'x'.repeat(480)}`);
    assert.equal(long.status, 2, long.stderr);
    assert.match(long.stderr, /over the context length 77/);
    assert.match(long.stderr, /Shorten the template/);
    assert.doesNotMatch(long.stderr, /class-name slot/);

    const empty = evaluate('   ');
    assert.equal(empty.status, 2, empty.stderr);
    assert.match(empty.stderr, /the template is empty/);
    assert.doesNotMatch(empty.stderr, /reply/);
  });

  test('evaluate rejects template without placeholder', () => {
    const result = runGlov([
      'evaluate',
      '--dataset',
      smallDataset('no-placeholder'),
      '--vlm',
      tinyClip,
      '--template',
      'a satellite photo.',
      '--db',
      path.join(workDir, 'no-placeholder.sqlite'),
    ]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /a satellite photo\./);
    assert.match(result.stderr, /\{c\}/);
  });
});
