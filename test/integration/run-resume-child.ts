/**
 * Child process of the kill-and-resume test: starts or resumes a run on the
 * shared dtd10 folder with the scripted LLM and prints every event as one
 * JSON line on stdout. Usage: run-resume-child.ts <store-file> start|resume [run-id]
 */
import { runGlov } from '../../src/engine/optimizer/run.js';
import { openStore } from '../../src/engine/store/database.js';
import { folderDataset } from '../helpers/datasets.js';
import { FakeVlm } from '../helpers/fake-vlm.js';
import { ScriptedLlm, seededReplies } from '../helpers/scripted-llm.js';

const childConfig = { steps: 6, candidatesPerStep: 6, shots: 2, datasetDescription: 'Ten texture classes.' };

const [storeFile, action, runIdText] = process.argv.slice(2);
if (!storeFile || (action !== 'start' && action !== 'resume')) {
  throw new Error('Usage: run-resume-child.ts <store-file> start|resume [run-id]');
}
const store = openStore(storeFile);
await runGlov({
  config: childConfig,
  resumeRunId: action === 'resume' ? Number(runIdText) : undefined,
  llm: new ScriptedLlm({ reply: seededReplies, delayMs: 150 }),
  vlm: new FakeVlm(),
  dataset: folderDataset('dtd10'),
  store,
  onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
});
store.close();
