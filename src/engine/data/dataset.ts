/**
 * Image-classification datasets as folders.
 *
 * Two layouts are accepted:
 *   root/train/<class>/*.jpg and root/test/<class>/*.jpg   ('train-test')
 *   root/<class>/*.jpg, split per class with a seed        ('single-folder')
 * An optional root/classnames.json maps class folder names to the names put
 * into prompts. Classes are ordered by folder name, and that order gives the
 * class index.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { GlovError } from '../errors.js';
import { createLogger } from '../log.js';
import { createRandom, shuffled } from '../random.js';

const log = createLogger('data.dataset');

/** Extensions that sharp decodes; other files are skipped and counted. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

export type Split = 'train' | 'test';

export interface ClassInfo {
  index: number;
  /** Folder name, the key in classnames.json. */
  folder: string;
  /** Name put into prompts. */
  name: string;
}

export interface Sample {
  /** Absolute path. */
  file: string;
  classIndex: number;
}

export interface Dataset {
  root: string;
  layout: 'train-test' | 'single-folder';
  classes: ClassInfo[];
  splits: Record<Split, Sample[]>;
  /** Files skipped because their extension is not an image one. */
  ignoredFiles: number;
  warnings: string[];
  /** sha256 over the relative paths, sizes and modification times of all images and classnames.json. */
  fingerprint: string;
}

export interface LoadDatasetOptions {
  /** Share of each class moved to test in the single-folder layout; default 0.2. */
  testFraction?: number;
  /** Seed of that split; default 7777, the reference implementation's seed. */
  splitSeed?: number;
}

function listDirectories(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

interface ScannedClass {
  images: string[];
  ignored: number;
  /** Subfolders, whose images are not read because class folders are not searched recursively. */
  subfolders: number;
}

function scanClassFolder(dir: string): ScannedClass {
  const images: string[] = [];
  let ignored = 0;
  let subfolders = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) subfolders += 1;
    if (!entry.isFile()) continue;
    if (IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()) && !entry.name.startsWith('.')) {
      images.push(path.join(dir, entry.name));
    } else {
      ignored += 1;
    }
  }
  return { images: images.sort(), ignored, subfolders };
}

/**
 * Join names for an error message, at most `max` of them, so that a classnames.json written for
 * another dataset (thousands of keys) gives a short message instead of a list of every key.
 */
function listNames(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function readClassNames(root: string, folders: readonly string[]): Map<string, string> | undefined {
  const file = path.join(root, 'classnames.json');
  if (!fs.existsSync(file)) return undefined;

  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GlovError(`Invalid JSON in ${file}: ${(error as Error).message}.`, {
      code: 'classnames-invalid',
      hint: 'Write classnames.json as one object that maps each class folder name to its prompt name.',
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string' || value.trim() === '')) {
    throw new GlovError(`classnames.json must map folder names to non-empty strings: ${file}.`, {
      code: 'classnames-invalid',
      hint: 'Write it as {"folder_name": "prompt name", ...}.',
    });
  }
  const names = new Map(Object.entries(parsed as Record<string, string>));
  const missing = folders.filter((folder) => !names.has(folder));
  const extra = [...names.keys()].filter((key) => !folders.includes(key));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `missing keys for folders: ${listNames(missing)}` : '', extra.length > 0 ? `keys with no folder: ${listNames(extra)}` : ''].filter(Boolean);
    throw new GlovError(`classnames.json does not match the class folders in ${root}: ${parts.join('; ')}.`, {
      code: 'classnames-mismatch',
      hint: 'Give classnames.json exactly one key per class folder, or delete it to use the folder names.',
    });
  }
  return names;
}

function fingerprintDataset(root: string, files: readonly string[]): string {
  const hash = crypto.createHash('sha256');
  const classNamesFile = path.join(root, 'classnames.json');
  if (fs.existsSync(classNamesFile)) hash.update(fs.readFileSync(classNamesFile));
  for (const file of [...files].sort()) {
    const stat = fs.statSync(file);
    hash.update(`\u0000${path.relative(root, file)}\u0000${stat.size}\u0000${stat.mtimeMs}`);
  }
  return hash.digest('hex').slice(0, 24);
}

/** Scan and validate a dataset folder; throws a GlovError naming the bad value and the fix. */
export function loadDataset(root: string, options: LoadDatasetOptions = {}): Dataset {
  const { testFraction = 0.2, splitSeed = 7777 } = options;
  const absoluteRoot = path.resolve(root);
  if (fs.existsSync(absoluteRoot) && !fs.statSync(absoluteRoot).isDirectory()) {
    throw new GlovError(`Dataset path is a file, not a folder: ${absoluteRoot}.`, {
      code: 'dataset-not-folder',
      hint: 'Pass the folder that has train/ and test/ subfolders of class folders, or one folder of class folders.',
    });
  }
  if (!fs.existsSync(absoluteRoot)) {
    throw new GlovError(`Dataset folder not found: ${absoluteRoot}.`, {
      code: 'dataset-not-found',
      hint: 'Pass a folder that has train/ and test/ subfolders of class folders, or one folder of class folders.',
    });
  }

  const topFolders = listDirectories(absoluteRoot);
  const hasTrain = topFolders.includes('train');
  const hasTest = topFolders.includes('test');
  if (hasTrain !== hasTest) {
    const missing = hasTrain ? 'test' : 'train';
    throw new GlovError(`Dataset folder ${absoluteRoot} has ${hasTrain ? 'train' : 'test'}/ but no ${missing}/ subfolder.`, {
      code: 'dataset-invalid',
      hint: `Add ${path.join(absoluteRoot, missing)} with the same class folders, or move the class folders up to use the single-folder layout.`,
    });
  }
  const layout: Dataset['layout'] = hasTrain ? 'train-test' : 'single-folder';
  const splitRoots = layout === 'train-test' ? { train: path.join(absoluteRoot, 'train'), test: path.join(absoluteRoot, 'test') } : { train: absoluteRoot, test: absoluteRoot };

  const folders = listDirectories(splitRoots.train);
  if (folders.length === 0) {
    throw new GlovError(`No class folders in ${splitRoots.train}.`, {
      code: 'dataset-invalid',
      hint: 'Put the images of each class in their own subfolder named after the class.',
    });
  }
  if (layout === 'train-test') {
    const testFolders = listDirectories(splitRoots.test);
    const missing = folders.filter((folder) => !testFolders.includes(folder));
    const extra = testFolders.filter((folder) => !folders.includes(folder));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [missing.length > 0 ? `missing in test/: ${listNames(missing)}` : '', extra.length > 0 ? `missing in train/: ${listNames(extra)}` : ''].filter(Boolean);
      throw new GlovError(`train/ and test/ of ${absoluteRoot} have different class folders: ${parts.join('; ')}.`, {
        code: 'dataset-invalid',
        hint: 'Give both splits the same class folders.',
      });
    }
  }

  const classNames = readClassNames(absoluteRoot, folders);
  const classes: ClassInfo[] = folders.map((folder, index) => ({ index, folder, name: classNames?.get(folder) ?? folder }));
  const warnings: string[] = [];
  let ignoredFiles = 0;
  const foldersWithSubfolders: string[] = [];
  const splits: Record<Split, Sample[]> = { train: [], test: [] };
  const random = createRandom(splitSeed);

  for (const info of classes) {
    const scanned: Partial<Record<Split, string[]>> = {};
    for (const split of layout === 'train-test' ? (['train', 'test'] as const) : (['train'] as const)) {
      const dir = path.join(splitRoots[split], info.folder);
      const { images, ignored, subfolders } = scanClassFolder(dir);
      ignoredFiles += ignored;
      if (subfolders > 0) foldersWithSubfolders.push(path.relative(absoluteRoot, dir) || dir);
      if (images.length === 0) {
        throw new GlovError(`Class folder has no images: ${dir}.`, {
          code: 'class-empty',
          hint: `Add images (${[...IMAGE_EXTENSIONS].join(', ')}) to it, or remove the folder${classNames ? ' and its classnames.json key' : ''}.`,
        });
      }
      scanned[split] = images;
    }

    if (layout === 'train-test') {
      splits.train.push(...(scanned.train ?? []).map((file) => ({ file, classIndex: info.index })));
      splits.test.push(...(scanned.test ?? []).map((file) => ({ file, classIndex: info.index })));
    } else {
      const images = shuffled(scanned.train ?? [], random);
      // Round the test share, but keep at least one training image per class.
      const testCount = Math.min(Math.round(images.length * testFraction), images.length - 1);
      if (testCount === 0) warnings.push(`Class "${info.folder}" has ${images.length} image(s), so none is left for test.`);
      splits.test.push(...images.slice(0, testCount).sort().map((file) => ({ file, classIndex: info.index })));
      splits.train.push(...images.slice(testCount).sort().map((file) => ({ file, classIndex: info.index })));
    }
  }

  if (ignoredFiles > 0) warnings.push(`Skipped ${ignoredFiles} file(s) without an image extension.`);
  if (foldersWithSubfolders.length > 0) {
    warnings.push(`Skipped the subfolders of ${foldersWithSubfolders.length} class folder(s) (${listNames(foldersWithSubfolders)}): only images directly inside a class folder are used.`);
  }
  const duplicates = classes.filter((info, i) => classes.findIndex((other) => other.name === info.name) !== i);
  for (const info of duplicates) warnings.push(`Prompt name "${info.name}" is used by more than one class; those classes get identical text embeddings.`);
  for (const warning of warnings) log.warn(`${absoluteRoot}: ${warning}`);

  const allFiles = [...splits.train, ...splits.test].map((sample) => sample.file);
  // A seeded split is part of the identity: another seed or fraction moves images between splits.
  const splitSuffix = layout === 'single-folder' ? `-${splitSeed}-${testFraction}` : '';
  return { root: absoluteRoot, layout, classes, splits, ignoredFiles, warnings, fingerprint: fingerprintDataset(absoluteRoot, allFiles) + splitSuffix };
}
