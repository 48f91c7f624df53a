/**
 * The run settings the app shows, with defaults taken from the engine's run config.
 */
import type { RunSettingSpec, RunSettings } from '../api.js';
import { defaultConfig } from '../optimizer/config.js';

export const defaultRunSettings: RunSettings = {
  mode: defaultConfig.mode,
  datasetName: defaultConfig.datasetName,
  datasetDescription: defaultConfig.datasetDescription,
  steps: defaultConfig.steps,
  candidatesPerStep: defaultConfig.candidatesPerStep,
  shots: defaultConfig.shots,
  topK: defaultConfig.topK,
  bottomK: defaultConfig.bottomK,
  alpha: defaultConfig.alpha,
  layer: defaultConfig.layer,
  guidance: defaultConfig.guidance,
  pooling: defaultConfig.pooling,
  seed: defaultConfig.seed,
  maxNewTokens: defaultConfig.maxNewTokens,
  temperature: defaultConfig.temperature,
  topKSampling: defaultConfig.topKSampling,
  topP: defaultConfig.topP,
};

/** Form rows in display order. Ranges match the checks of the engine's `resolveConfig`. */
export const runSettingSpecs: RunSettingSpec[] = [
  { key: 'mode', label: 'Mode', kind: 'choice', choices: ['glov', 'llm-opt'], defaultValue: defaultRunSettings.mode, explanation: 'glov shows the best and worst templates and can steer the LLM; llm-opt is the unsteered LLM-OPT hill-climbing baseline.' },
  { key: 'datasetName', label: 'Dataset name for the LLM', kind: 'text', defaultValue: defaultRunSettings.datasetName, placeholder: 'the dataset folder name', explanation: 'Name written after "Dataset:" in the meta-prompt; empty uses the folder name.' },
  { key: 'datasetDescription', label: 'Dataset description', kind: 'long-text', defaultValue: defaultRunSettings.datasetDescription, placeholder: 'One or two sentences on what the images show, e.g. "Close-up photos of surface textures such as braided, dotted or striped patterns."', explanation: 'Text written after "Description:" in the meta-prompt; it tells the LLM what the images show without naming classes.' },
  { key: 'steps', label: 'Steps', kind: 'integer', min: 1, defaultValue: defaultRunSettings.steps, explanation: 'Optimization steps; each writes a new meta-prompt and samples new templates.' },
  { key: 'candidatesPerStep', label: 'Candidates per step', kind: 'integer', min: 1, defaultValue: defaultRunSettings.candidatesPerStep, explanation: 'Templates the LLM samples per step; each is scored on its own.' },
  { key: 'shots', label: 'Shots', kind: 'integer', min: 1, defaultValue: defaultRunSettings.shots, explanation: 'Labelled train images per class used to compute fitness.' },
  { key: 'topK', label: 'Top k', kind: 'integer', min: 1, defaultValue: defaultRunSettings.topK, explanation: 'Best templates so far shown in the meta-prompt.' },
  { key: 'bottomK', label: 'Bottom k', kind: 'integer', min: 0, defaultValue: defaultRunSettings.bottomK, explanation: 'Worst templates so far shown in the meta-prompt.' },
  { key: 'alpha', label: 'Alpha', kind: 'number', min: 0, defaultValue: defaultRunSettings.alpha, explanation: 'Scale of the guidance vector added to the hidden state.' },
  { key: 'layer', label: 'Layer', kind: 'layer', defaultValue: defaultRunSettings.layer, explanation: 'Transformer block (0-based) that receives the guidance; auto scales block 17 of 32 to the model.' },
  { key: 'guidance', label: 'Guidance mode', kind: 'choice', choices: ['faithful', 'cached', 'none'], defaultValue: defaultRunSettings.guidance, explanation: 'faithful steers only the newest token; cached keeps steered tokens in the KV cache; none turns guidance off. Ignored in llm-opt mode.' },
  { key: 'pooling', label: 'Pooling', kind: 'choice', choices: ['padded', 'own-length'], defaultValue: defaultRunSettings.pooling, explanation: 'How hidden states of the guidance pair are averaged: padded right-pads the shorter template with end-of-turn tokens, own-length averages each over its own tokens.' },
  { key: 'maxNewTokens', label: 'Max new tokens', kind: 'integer', min: 1, defaultValue: defaultRunSettings.maxNewTokens, explanation: 'Token budget of each LLM reply; generation stops there.' },
  { key: 'seed', label: 'Seed', kind: 'integer', min: 0, defaultValue: defaultRunSettings.seed, explanation: 'Fixes the few-shot sample and the LLM sampler, so runs repeat.' },
  { key: 'temperature', label: 'Temperature', kind: 'number', min: 0, advanced: true, defaultValue: defaultRunSettings.temperature, explanation: 'Divides the LLM logits before sampling; 0 picks the most likely token.' },
  { key: 'topKSampling', label: 'Sampling top-k', kind: 'integer', min: 1, advanced: true, defaultValue: defaultRunSettings.topKSampling, explanation: 'The LLM samples only among the k most likely tokens.' },
  { key: 'topP', label: 'Sampling top-p', kind: 'number', min: 0, max: 1, advanced: true, defaultValue: defaultRunSettings.topP, explanation: 'Nucleus sampling: keep the most likely tokens up to this total probability.' },
];
