/** A summary of a dataset folder for the UI and the CLI. */
import { type LoadDatasetOptions, loadDataset } from './dataset.js';

export interface DatasetInspection {
  root: string;
  layout: 'train-test' | 'single-folder';
  classes: { index: number; folder: string; name: string; train: number; test: number }[];
  totals: { train: number; test: number };
  ignoredFiles: number;
  warnings: string[];
  fingerprint: string;
}

/** Load a dataset and count images per class and split; throws the same errors as loadDataset. */
export function inspectDataset(root: string, options: LoadDatasetOptions = {}): DatasetInspection {
  const dataset = loadDataset(root, options);
  const count = (split: 'train' | 'test', index: number): number => dataset.splits[split].filter((sample) => sample.classIndex === index).length;
  return {
    root: dataset.root,
    layout: dataset.layout,
    classes: dataset.classes.map((info) => ({ ...info, train: count('train', info.index), test: count('test', info.index) })),
    totals: { train: dataset.splits.train.length, test: dataset.splits.test.length },
    ignoredFiles: dataset.ignoredFiles,
    warnings: dataset.warnings,
    fingerprint: dataset.fingerprint,
  };
}
