/**
 * The run settings the app shows, with defaults taken from the engine's run config.
 */
import type { RunSettingSpec, RunSettings } from '../api.js';
import { defaultConfig } from '../optimizer/config.js';

export const defaultRunSettings: RunSettings = {
  steps: defaultConfig.steps,
  candidatesPerStep: defaultConfig.candidatesPerStep,
  shots: defaultConfig.shots,
  topK: defaultConfig.topK,
  bottomK: defaultConfig.bottomK,
  alpha: defaultConfig.alpha,
  layer: defaultConfig.layer,
  guidance: defaultConfig.guidance,
  seed: defaultConfig.seed,
};

export const runSettingSpecs: RunSettingSpec[] = [
  { key: 'steps', label: 'Steps', kind: 'integer', min: 1, defaultValue: defaultRunSettings.steps, explanation: 'Optimization steps; each writes a new meta-prompt and samples new templates.' },
  { key: 'candidatesPerStep', label: 'Candidates per step', kind: 'integer', min: 1, defaultValue: defaultRunSettings.candidatesPerStep, explanation: 'Templates the LLM samples per step; each is scored on its own.' },
  { key: 'shots', label: 'Shots', kind: 'integer', min: 1, defaultValue: defaultRunSettings.shots, explanation: 'Labelled train images per class used to compute fitness.' },
  { key: 'topK', label: 'Top k', kind: 'integer', min: 1, defaultValue: defaultRunSettings.topK, explanation: 'Best templates so far shown in the meta-prompt.' },
  { key: 'bottomK', label: 'Bottom k', kind: 'integer', min: 0, defaultValue: defaultRunSettings.bottomK, explanation: 'Worst templates so far shown in the meta-prompt.' },
  { key: 'alpha', label: 'Alpha', kind: 'number', min: 0, defaultValue: defaultRunSettings.alpha, explanation: 'Scale of the guidance vector added to the hidden state.' },
  { key: 'layer', label: 'Layer', kind: 'layer', defaultValue: defaultRunSettings.layer, explanation: 'Transformer block (0-based) that receives the guidance; auto scales block 17 of 32 to the model.' },
  { key: 'guidance', label: 'Guidance mode', kind: 'choice', choices: ['faithful', 'cached', 'none'], defaultValue: defaultRunSettings.guidance, explanation: 'faithful steers only the newest token; cached keeps steered tokens in the KV cache; none turns guidance off.' },
  { key: 'seed', label: 'Seed', kind: 'integer', min: 0, defaultValue: defaultRunSettings.seed, explanation: 'Fixes the few-shot sample and the LLM sampler, so runs repeat.' },
];
