/**
 * The facts every benchmark output starts with: machine, models, date, and
 * whether the accuracies can mean anything at all.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: the folder above bench/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Shared datasets live beside the repository, in ../shared/datasets. */
export const defaultDatasetsRoot = path.resolve(repoRoot, '..', 'shared', 'datasets');

/** The toy CLIP test fixture (2 layers, 16-dim embeddings), the only CLIP export available offline. */
export const tinyClipDir = path.join(repoRoot, 'test', 'fixtures', 'tiny-clip');

export const TINY_CLIP_CAVEAT =
  'CAVEAT: the VLM is the tiny toy CLIP test fixture (random weights, at most briefly trained), so every ' +
  'accuracy and fitness here is meaningless as a measure of prompt quality. Pass --vlm DIR with a real CLIP ' +
  'ONNX export for real figures.';

export interface MachineInfo {
  cpuModel: string;
  /** Cores this process may use (os.availableParallelism). */
  cores: number;
  memoryGiB: number;
  /** 1-minute load average when the benchmark started; above the core count means other jobs compete for the CPU. */
  loadAverage: number;
  node: string;
  date: string;
}

/** CPU model name from /proc/cpuinfo, or os.cpus() where that file is missing. */
export function cpuModelName(cpuinfo?: string): string {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return os.cpus()[0]?.model ?? 'unknown';
    }
  }
  const match = /^model name\s*:\s*(.+)$/m.exec(text);
  return match?.[1]?.trim() ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModelName(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg()[0] ?? 0,
    node: process.versions.node,
    date: new Date().toISOString(),
  };
}

/** True when `vlmPath` is the tiny toy CLIP fixture. */
export function isTinyClip(vlmPath: string): boolean {
  return path.resolve(vlmPath) === tinyClipDir;
}

/** One line per machine fact, for the headers of printed and written outputs. */
export function machineLines(info: MachineInfo): string[] {
  return [
    `Machine: ${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB RAM, no GPU used (device cpu)`,
    `Load average at start: ${info.loadAverage.toFixed(2)} (1 min; above ${info.cores} means other jobs shared the CPU)`,
    `Node ${info.node}, date ${info.date}`,
  ];
}
