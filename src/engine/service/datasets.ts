/**
 * Dataset folders as the app shows them: classes, image counts, prompt names and warnings.
 *
 * A dataset folder holds `train/<class>/*` and `test/<class>/*`, plus an
 * optional `classnames.json` that maps each class folder to the name put into
 * templates. Inspection reads directory listings and the first bytes of each
 * image, which is enough to flag empty or non-image files without decoding
 * every picture; the thumbnail grid decodes the images it shows.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import type { DatasetClassSummary, DatasetDetail, DatasetWarning, ImageThumbnail } from '../api.js';
import { describeDataset } from '../data/descriptions.js';
import { GlovError } from '../errors.js';

const imageExtensions = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.gif']);

/** Thumbnail edge in pixels; grids show them at about this size. */
const thumbnailSize = 112;

/** At most this many warnings of one kind are listed; the rest are counted in one line. */
const maxWarningsPerKind = 5;

export function datasetIdFor(folder: string): string {
  return createHash('sha256').update(path.resolve(folder)).digest('hex').slice(0, 12);
}

/** Scan a dataset folder and return its classes, counts and warnings. */
export async function inspectDataset(folder: string): Promise<DatasetDetail> {
  const root = path.resolve(folder);
  const rootInfo = await stat(root).catch(() => null);
  if (!rootInfo?.isDirectory()) {
    throw new GlovError(`Dataset folder not found: ${root}.`, {
      code: 'dataset-not-found',
      hint: 'Choose a folder that has train/ and test/ subfolders with one folder per class.',
    });
  }

  const warnings: DatasetWarning[] = [];
  const trainClasses = await listClassFolders(path.join(root, 'train'));
  const testClasses = await listClassFolders(path.join(root, 'test'));
  if (trainClasses === null) {
    throw new GlovError(`Dataset folder has no train/ subfolder: ${root}.`, {
      code: 'dataset-missing-train',
      hint: 'Choose a folder that has train/ and test/ subfolders with one folder per class.',
    });
  }
  if (testClasses === null) {
    warnings.push({ kind: 'missing-split', message: 'No test/ subfolder: test accuracy cannot be measured.' });
  }

  const classNames = await readClassNames(root, warnings);
  const folders = [...new Set([...trainClasses, ...(testClasses ?? [])])].sort();
  compareClassNames(folders, classNames, warnings);

  const unreadable: string[] = [];
  const classes: DatasetClassSummary[] = [];
  for (const classFolder of folders) {
    const trainFiles = await listImages(path.join(root, 'train', classFolder), unreadable);
    const testFiles = testClasses ? await listImages(path.join(root, 'test', classFolder), unreadable) : [];
    if (trainFiles.length === 0) {
      warnings.push({ kind: 'empty-class', message: `Class "${classFolder}" has no readable train images.` });
    } else if (testClasses && testFiles.length === 0) {
      warnings.push({ kind: 'empty-class', message: `Class "${classFolder}" has no readable test images.` });
    }
    classes.push({
      folder: classFolder,
      promptName: classNames?.[classFolder] ?? classFolder.replace(/_/g, ' '),
      trainCount: trainFiles.length,
      testCount: testFiles.length,
    });
  }
  for (const file of unreadable.slice(0, maxWarningsPerKind)) {
    warnings.push({ kind: 'unreadable-image', message: `Not a readable image: ${path.relative(root, file)}.` });
  }
  if (unreadable.length > maxWarningsPerKind) {
    warnings.push({
      kind: 'unreadable-image',
      message: `${unreadable.length - maxWarningsPerKind} more unreadable images are not listed.`,
    });
  }

  return {
    id: datasetIdFor(root),
    name: path.basename(root),
    description: describeDataset(path.basename(root)) ?? null,
    path: root,
    classCount: classes.length,
    trainImageCount: classes.reduce((sum, entry) => sum + entry.trainCount, 0),
    testImageCount: classes.reduce((sum, entry) => sum + entry.testCount, 0),
    warnings,
    classes,
  };
}

/** Decode up to `limit` images of one class into small JPEG data URLs. */
export async function classThumbnails(
  dataset: DatasetDetail,
  { classFolder, split, limit }: { classFolder: string; split: 'train' | 'test'; limit: number },
): Promise<ImageThumbnail[]> {
  if (!dataset.classes.some((entry) => entry.folder === classFolder)) {
    throw new GlovError(`Class "${classFolder}" is not in dataset ${dataset.name}.`, {
      code: 'class-not-found',
      hint: 'Pick a class from the dataset page.',
    });
  }
  const folder = path.join(dataset.path, split, classFolder);
  const names = (await readdir(folder).catch(() => [] as string[]))
    .filter((name) => imageExtensions.has(path.extname(name).toLowerCase()))
    .sort()
    .slice(0, Math.max(0, Math.min(limit, 64)));
  const { default: sharp } = await import('sharp');
  const thumbnails: ImageThumbnail[] = [];
  for (const fileName of names) {
    try {
      const jpeg = await sharp(path.join(folder, fileName))
        .rotate()
        .resize(thumbnailSize, thumbnailSize, { fit: 'cover' })
        .jpeg({ quality: 70 })
        .toBuffer();
      thumbnails.push({ fileName, dataUrl: `data:image/jpeg;base64,${jpeg.toString('base64')}` });
    } catch (error) {
      thumbnails.push({ fileName, dataUrl: null, error: `Cannot decode: ${(error as Error).message}` });
    }
  }
  return thumbnails;
}

async function listClassFolders(splitFolder: string): Promise<string[] | null> {
  const entries = await readdir(splitFolder, { withFileTypes: true }).catch(() => null);
  if (entries === null) {
    return null;
  }
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

async function readClassNames(root: string, warnings: DatasetWarning[]): Promise<Record<string, string> | null> {
  const file = path.join(root, 'classnames.json');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error('expected an object that maps class folders to names');
    }
    const names: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string') {
        names[key] = value;
      }
    }
    return names;
  } catch (error) {
    warnings.push({
      kind: 'classnames-mismatch',
      message: `classnames.json is invalid (${(error as Error).message}); folder names are used instead.`,
    });
    return null;
  }
}

function compareClassNames(folders: string[], names: Record<string, string> | null, warnings: DatasetWarning[]): void {
  if (names === null) {
    return;
  }
  const missing = folders.filter((folder) => !(folder in names));
  const extra = Object.keys(names).filter((key) => !folders.includes(key));
  if (missing.length > 0) {
    warnings.push({
      kind: 'classnames-mismatch',
      message: `classnames.json has no name for ${missing.length} class folder(s): ${missing.slice(0, 5).join(', ')}.`,
    });
  }
  if (extra.length > 0) {
    warnings.push({
      kind: 'classnames-mismatch',
      message: `classnames.json names ${extra.length} folder(s) that do not exist: ${extra.slice(0, 5).join(', ')}.`,
    });
  }
}

/** List image files of a class folder, moving files that are empty or lack an image signature to `unreadable`. */
async function listImages(folder: string, unreadable: string[]): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const images: string[] = [];
  for (const name of names.sort()) {
    if (!imageExtensions.has(path.extname(name).toLowerCase())) {
      continue;
    }
    const file = path.join(folder, name);
    if (await hasImageSignature(file)) {
      images.push(file);
    } else {
      unreadable.push(file);
    }
  }
  return images;
}

async function hasImageSignature(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => null);
  if (handle === null) {
    return false;
  }
  try {
    const header = Buffer.alloc(12);
    const { bytesRead } = await handle.read(header, 0, 12, 0);
    if (bytesRead < 4) {
      return false;
    }
    const isJpeg = header[0] === 0xff && header[1] === 0xd8;
    const isPng = header.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const isGif = header.subarray(0, 3).toString('latin1') === 'GIF';
    const isBmp = header.subarray(0, 2).toString('latin1') === 'BM';
    const isWebp = header.subarray(0, 4).toString('latin1') === 'RIFF' && header.subarray(8, 12).toString('latin1') === 'WEBP';
    return isJpeg || isPng || isGif || isBmp || isWebp;
  } finally {
    await handle.close();
  }
}
