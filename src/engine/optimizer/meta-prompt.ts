/**
 * The meta-prompt: the chat that asks the optimizer LLM for one new template.
 *
 * The structure follows GLOV (arXiv 2410.06154): a system message that casts
 * the model as an expert in CLIP prompt templates; a user message with the
 * dataset name and description and the best-k and worst-k templates so far,
 * one per line as `n: template --- Accuracy: <int>`; and an instruction to
 * reply with one template only. The wording is this project's own. Class
 * names are never shown, and the placeholder appears as `<category>`.
 */
import type { ChatMessage } from '../llm/types.js';
import type { History, ScoredTemplate } from './history.js';
import { LLM_PLACEHOLDER, toLlmForm } from './template.js';

export interface MetaPrompt {
  messages: ChatMessage[];
  /** The messages as one readable text, stored with the step. */
  text: string;
}

export interface MetaPromptOptions {
  datasetName: string;
  datasetDescription: string;
  history: History;
  /** 0-based step being generated. */
  step: number;
  topK: number;
  bottomK: number;
}

const systemMessage =
  'You are an expert in prompt engineering for CLIP, a vision-language model that classifies ' +
  'images zero-shot by comparing each image with one text per class. Those texts come from a ' +
  `prompt template: a short sentence in which the placeholder ${LLM_PLACEHOLDER} is replaced by ` +
  'each class name. Your job is to find templates that make CLIP classify as accurately as possible.';

const replyInstruction =
  `Reply with exactly one new template that contains ${LLM_PLACEHOLDER}. ` +
  'Write only the template: no numbering, no quotes, no explanation.';

/** Accuracies are shown truncated to whole percent (63.9 becomes 63), as in the reference. */
export function formatExample(index: number, entry: ScoredTemplate): string {
  return `${index}: ${toLlmForm(entry.template)} --- Accuracy: ${Math.trunc(entry.fitness)}`;
}

function formatBlock(entries: readonly ScoredTemplate[]): string {
  return entries.map((entry, index) => formatExample(index + 1, entry)).join('\n');
}

function datasetLines(name: string, description: string): string {
  return `Dataset: ${name}\nDescription: ${description}`;
}

function render(messages: readonly ChatMessage[]): string {
  return messages.map((message) => `[${message.role}]\n${message.content}`).join('\n\n');
}

/** Build the GLOV meta-prompt for `step`; step 0 shows only the initial template. */
export function buildMetaPrompt(options: MetaPromptOptions): MetaPrompt {
  const { history, step } = options;
  let user: string;
  if (step === 0 || history.size < 2) {
    const initial = history.ascending()[0];
    const block = initial ? formatExample(1, initial) : '';
    user = [
      'Below are a dataset name, its description, and one prompt template with the accuracy CLIP reaches with it.',
      `Propose a new template that reaches a higher accuracy. The placeholder ${LLM_PLACEHOLDER} will be replaced by every class name of the dataset. Use the description, and feel free to be inventive.`,
      '',
      datasetLines(options.datasetName, options.datasetDescription),
      '',
      `Template:\n${block}`,
      '',
      replyInstruction,
    ].join('\n');
  } else {
    const { best, worst } = history.examples(options.topK, options.bottomK);
    user = [
      'Below are a dataset name, its description, and the best and the worst prompt templates, ' +
        `with the accuracy CLIP reaches with each, from the last ${step + 1} runs. ` +
        'Both lists are sorted by ascending accuracy.',
      `Propose a new template that reaches a higher accuracy than the best ones. The placeholder ${LLM_PLACEHOLDER} will be replaced by every class name of the dataset. Use the description, learn from what separates the best templates from the worst, and feel free to be inventive.`,
      '',
      datasetLines(options.datasetName, options.datasetDescription),
      '',
      `Best templates:\n${formatBlock(best)}`,
      '',
      `Worst templates:\n${formatBlock(worst)}`,
      '',
      replyInstruction,
    ].join('\n');
  }
  const messages: ChatMessage[] = [
    { role: 'system', content: systemMessage },
    { role: 'user', content: user },
  ];
  return { messages, text: render(messages) };
}

/**
 * The LLM-OPT-style meta-prompt (Liu et al., CVPR 2024): hill climbing from
 * a small pool of positive examples (the best templates) and negative
 * examples (the worst), written in this project's words.
 */
export function buildLlmOptMetaPrompt(options: MetaPromptOptions & { poolSize: number }): MetaPrompt {
  const { best, worst } = options.history.examples(options.poolSize, options.poolSize);
  const positives = best.length > 0 ? best : options.history.ascending().slice(-1);
  const user = [
    datasetLines(options.datasetName, options.datasetDescription),
    '',
    `Positive examples (templates that worked well for CLIP on this dataset):\n${formatBlock(positives)}`,
    '',
    `Negative examples (templates that worked badly):\n${formatBlock(worst)}`,
    '',
    'Improve on the positive examples and avoid what the negative ones do. ' +
      `The placeholder ${LLM_PLACEHOLDER} will be replaced by every class name.`,
    replyInstruction,
  ].join('\n');
  const messages: ChatMessage[] = [
    { role: 'system', content: systemMessage },
    { role: 'user', content: user },
  ];
  return { messages, text: render(messages) };
}
