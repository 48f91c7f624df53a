/**
 * Datasets for optimizer tests. `syntheticDataset` has virtual file paths,
 * because the fake VLM reads only the class folder from a path.
 * `folderDataset` lists a real folder of the shared test data and draws a
 * seeded k-shot sample.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { LabelledImages } from '../../src/engine/optimizer/fitness.js';
import type { OptimizerDataset } from '../../src/engine/optimizer/run.js';
import { hashString, seededRandom } from './scripted-llm.js';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const sharedDatasets = path.resolve(repoRoot, '..', 'shared', 'datasets');

export function syntheticDataset(classNames: readonly string[], options: { perClass?: number } = {}): OptimizerDataset {
  const perClass = options.perClass ?? 4;
  const split = (name: string, count: number): LabelledImages => {
    const files: string[] = [];
    const labels: number[] = [];
    classNames.forEach((className, label) => {
      for (let i = 0; i < count; i += 1) {
        files.push(`/virtual/${name}/${className}/${i}.jpg`);
        labels.push(label);
      }
    });
    return { files, labels };
  };
  return {
    name: 'synthetic',
    fingerprint: `synthetic:${classNames.join(',')}`,
    classNames,
    fewShotTrain: ({ shots }) => split('train', shots),
    testSplit: () => split('test', perClass),
  };
}

function listSplit(root: string, splitName: string, folders: readonly string[]): Array<{ file: string; label: number }> {
  return folders.flatMap((folder, label) =>
    readdirSync(path.join(root, splitName, folder))
      .filter((file) => /\.(jpe?g|png)$/i.test(file))
      .sort()
      .map((file) => ({ file: path.join(root, splitName, folder, file), label })),
  );
}

export function folderDataset(name: string): OptimizerDataset {
  const root = path.join(sharedDatasets, name);
  const classMap = JSON.parse(readFileSync(path.join(root, 'classnames.json'), 'utf8')) as Record<string, string>;
  const folders = Object.keys(classMap).sort();
  const train = listSplit(root, 'train', folders);
  const test = listSplit(root, 'test', folders);
  return {
    name,
    fingerprint: `${name}:${train.length}:${test.length}`,
    root,
    classNames: folders.map((folder) => classMap[folder] as string),
    fewShotTrain: ({ shots, seed }) => {
      const random = seededRandom(hashString(`${seed}`));
      const files: string[] = [];
      const labels: number[] = [];
      folders.forEach((_, label) => {
        const pool = train.filter((item) => item.label === label);
        for (let i = pool.length - 1; i > 0; i -= 1) {
          const j = Math.floor(random() * (i + 1));
          [pool[i], pool[j]] = [pool[j] as (typeof pool)[number], pool[i] as (typeof pool)[number]];
        }
        for (const item of pool.slice(0, shots)) {
          files.push(item.file);
          labels.push(label);
        }
      });
      return { files, labels };
    },
    testSplit: () => ({ files: test.map((item) => item.file), labels: test.map((item) => item.label) }),
  };
}
