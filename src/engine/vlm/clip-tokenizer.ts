/**
 * CLIP's byte-level BPE tokenizer.
 *
 * Steps, as in the original: clean the text (see clip-text-cleanup.ts), split
 * it with CLIP's pre-tokenizer pattern, map each piece's UTF-8 bytes to
 * printable characters, mark the end of the word with `</w>`, then apply the
 * BPE merges in rank order. A sequence is `<|startoftext|>` + tokens +
 * `<|endoftext|>`; longer sequences are cut to the context length with the end
 * token kept as the last id, and shorter ones are padded with the pad id.
 *
 * The vocabulary loads from a Hugging Face folder: tokenizer.json, or
 * vocab.json with merges.txt.
 */
import fs from 'node:fs';
import path from 'node:path';

import { GlovError } from '../errors.js';
import { cleanClipText } from './clip-text-cleanup.js';

/** Vocabulary and merges of a byte-level BPE model. */
export interface BpeVocabulary {
  /** Token string (with `</w>` word ends) to id. */
  vocab: Map<string, number>;
  /** Merge pairs in rank order, each as `left + ' ' + right`. */
  merges: string[];
}

export interface ClipTokenizerOptions {
  vocabulary: BpeVocabulary;
  /** Tokens per sequence, start and end included (77 for CLIP). */
  contextLength?: number;
  /** Id written after the end token; 0 in the original, `<|endoftext|>` in Hugging Face exports. */
  padId?: number;
}

/** Token ids of a batch, with its shape. */
export interface TokenBatch {
  /** Row-major [batchSize, sequenceLength]. */
  inputIds: BigInt64Array;
  /** 1 for real tokens (start to end), 0 for padding. */
  attentionMask: BigInt64Array;
  batchSize: number;
  sequenceLength: number;
  /** Token count of each text before truncation, start and end included. */
  untruncatedLengths: number[];
}

const START_TOKEN = '<|startoftext|>';
const END_TOKEN = '<|endoftext|>';
const WORD_END = '</w>';

// CLIP's pre-tokenizer: special tokens, English contractions, letter runs, single digits, other symbol runs.
const PRE_TOKENIZER = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

/** GPT-2's reversible map from the 256 byte values to printable characters, which CLIP reuses. */
function byteToUnicodeTable(): string[] {
  const printable: number[] = [];
  for (let b = '!'.charCodeAt(0); b <= '~'.charCodeAt(0); b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);

  const table: string[] = new Array<string>(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (printable.includes(b)) {
      table[b] = String.fromCharCode(b);
    } else {
      table[b] = String.fromCharCode(256 + next);
      next += 1;
    }
  }
  return table;
}

const BYTE_TO_UNICODE = byteToUnicodeTable();

export class ClipTokenizer {
  readonly contextLength: number;
  readonly startId: number;
  readonly endId: number;
  readonly padId: number;

  private readonly vocab: Map<string, number>;
  private readonly mergeRanks: Map<string, number>;
  // Word pieces repeat across class names and templates, so their BPE result is memoized.
  private readonly cache = new Map<string, number[]>();
  private readonly encoder = new TextEncoder();

  constructor({ vocabulary, contextLength = 77, padId = 0 }: ClipTokenizerOptions) {
    this.vocab = vocabulary.vocab;
    this.mergeRanks = new Map(vocabulary.merges.map((merge, rank) => [merge, rank]));
    this.contextLength = contextLength;
    this.padId = padId;
    this.startId = this.requireId(START_TOKEN);
    this.endId = this.requireId(END_TOKEN);
  }

  /** Return the id of a vocabulary token, for example `<|endoftext|>`. */
  tokenId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  /** Encode a text to BPE ids, without the start and end tokens and without truncation. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const match of cleanClipText(text).matchAll(PRE_TOKENIZER)) {
      const piece = match[0];
      if (piece === START_TOKEN || piece === END_TOKEN) {
        ids.push(piece === START_TOKEN ? this.startId : this.endId);
        continue;
      }
      ids.push(...this.encodePiece(piece));
    }
    return ids;
  }

  /** Count tokens with the start and end tokens and without truncation. */
  countTokens(text: string): number {
    return this.encode(text).length + 2;
  }

  /** Encode, truncate to the context length (keeping the end token) and pad to the context length. */
  encodeForModel(text: string): number[] {
    const ids = [this.startId, ...this.encode(text), this.endId];
    if (ids.length > this.contextLength) {
      ids.length = this.contextLength;
      ids[this.contextLength - 1] = this.endId;
    }
    while (ids.length < this.contextLength) ids.push(this.padId);
    return ids;
  }

  /**
   * Tokenize a batch for the text tower.
   *
   * `padTo: 'context'` pads every row to the context length as the original
   * does. `'longest'` pads to the longest row of the batch, which gives the
   * same embeddings for CLIP's causal text tower (the end token never attends
   * to later positions) and runs faster on short templates.
   */
  encodeBatch(texts: readonly string[], { padTo = 'context' }: { padTo?: 'context' | 'longest' } = {}): TokenBatch {
    const rows = texts.map((text) => [this.startId, ...this.encode(text), this.endId]);
    const untruncatedLengths = rows.map((row) => row.length);
    for (const row of rows) {
      if (row.length > this.contextLength) {
        row.length = this.contextLength;
        row[this.contextLength - 1] = this.endId;
      }
    }
    const longest = rows.reduce((max, row) => Math.max(max, row.length), 0);
    const sequenceLength = padTo === 'context' ? this.contextLength : longest;

    const inputIds = new BigInt64Array(rows.length * sequenceLength).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(rows.length * sequenceLength);
    rows.forEach((row, r) => {
      row.forEach((id, t) => {
        inputIds[r * sequenceLength + t] = BigInt(id);
        attentionMask[r * sequenceLength + t] = 1n;
      });
    });
    return { inputIds, attentionMask, batchSize: rows.length, sequenceLength, untruncatedLengths };
  }

  private requireId(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) {
      throw new GlovError(`Tokenizer vocabulary has no ${token} token.`, {
        code: 'tokenizer-invalid',
        hint: 'Use a CLIP tokenizer (vocab.json and merges.txt, or tokenizer.json) from the same export as the model.',
      });
    }
    return id;
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;

    const symbols = Array.from(this.encoder.encode(piece), (byte) => BYTE_TO_UNICODE[byte] as string);
    symbols[symbols.length - 1] += WORD_END;
    const merged = this.applyMerges(symbols);
    const ids = merged.map((symbol) => {
      const id = this.vocab.get(symbol);
      if (id === undefined) {
        throw new GlovError(`Tokenizer vocabulary has no entry for BPE symbol "${symbol}".`, {
          code: 'tokenizer-invalid',
          hint: 'The vocabulary and merges files do not belong together; export them again from one tokenizer.',
        });
      }
      return id;
    });
    this.cache.set(piece, ids);
    return ids;
  }

  /** Merge the lowest-ranked adjacent pair, all its occurrences at once, until no known pair is left. */
  private applyMerges(initial: string[]): string[] {
    let word = initial;
    while (word.length > 1) {
      let bestRank = Infinity;
      let bestPair: [string, string] | undefined;
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.mergeRanks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestPair = [word[i] as string, word[i + 1] as string];
        }
      }
      if (!bestPair) break;

      const [first, second] = bestPair;
      const next: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (word[i] === first && word[i + 1] === second) {
          next.push(first + second);
          i += 1;
        } else {
          next.push(word[i] as string);
        }
      }
      word = next;
    }
    return word;
  }
}

/** Load vocabulary and merges from tokenizer.json, or from vocab.json with merges.txt, in a model folder. */
export function loadBpeVocabulary(modelDir: string): BpeVocabulary {
  const tokenizerJson = path.join(modelDir, 'tokenizer.json');
  if (fs.existsSync(tokenizerJson)) {
    const parsed = JSON.parse(fs.readFileSync(tokenizerJson, 'utf8')) as {
      model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] };
      added_tokens?: { id: number; content: string }[];
    };
    const model = parsed.model;
    if (!model || model.type !== 'BPE' || !model.vocab || !model.merges) {
      throw new GlovError(`Tokenizer file is not a BPE tokenizer: ${tokenizerJson}.`, {
        code: 'tokenizer-invalid',
        hint: 'Use the tokenizer.json of a CLIP export (model.type "BPE" with vocab and merges).',
      });
    }
    const vocab = new Map(Object.entries(model.vocab));
    for (const added of parsed.added_tokens ?? []) vocab.set(added.content, added.id);
    // Newer tokenizers files store each merge as a two-item array, older ones as "left right".
    const merges = model.merges.map((merge) => (Array.isArray(merge) ? merge.join(' ') : merge));
    return { vocab, merges };
  }

  const vocabJson = path.join(modelDir, 'vocab.json');
  const mergesTxt = path.join(modelDir, 'merges.txt');
  if (!fs.existsSync(vocabJson) || !fs.existsSync(mergesTxt)) {
    throw new GlovError(`Tokenizer files not found in ${modelDir}.`, {
      code: 'tokenizer-not-found',
      hint: 'The model folder needs tokenizer.json, or vocab.json and merges.txt, as in a Hugging Face CLIP export.',
    });
  }
  const vocab = new Map(Object.entries(JSON.parse(fs.readFileSync(vocabJson, 'utf8')) as Record<string, number>));
  const merges = fs
    .readFileSync(mergesTxt, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#version'));
  return { vocab, merges };
}

/**
 * Find the pad id: tokenizer_config.json's pad_token, else tokenizer.json's
 * padding section, else 0 as in the original CLIP.
 */
export function resolvePadId(modelDir: string, vocabulary: BpeVocabulary): number {
  const configPath = path.join(modelDir, 'tokenizer_config.json');
  if (fs.existsSync(configPath)) {
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as { pad_token?: string | { content?: string } | null };
    const padToken = typeof config.pad_token === 'string' ? config.pad_token : config.pad_token?.content;
    const id = padToken === undefined ? undefined : vocabulary.vocab.get(padToken);
    if (id !== undefined) return id;
  }
  const tokenizerJson = path.join(modelDir, 'tokenizer.json');
  if (fs.existsSync(tokenizerJson)) {
    const parsed = JSON.parse(fs.readFileSync(tokenizerJson, 'utf8')) as { padding?: { pad_id?: number } | null };
    if (typeof parsed.padding?.pad_id === 'number') return parsed.padding.pad_id;
  }
  return 0;
}

/** Load a CLIP tokenizer from a Hugging Face model folder. */
export function loadClipTokenizer(modelDir: string, { contextLength = 77 }: { contextLength?: number } = {}): ClipTokenizer {
  const vocabulary = loadBpeVocabulary(modelDir);
  return new ClipTokenizer({ vocabulary, contextLength, padId: resolvePadId(modelDir, vocabulary) });
}
