/**
 * End-to-end flow of the browser view: the real renderer in Debian's
 * chromium, the real bridge and engine, tiny models and DTD images.
 *
 * Flow: check the empty states, add a dataset, choose models and check the
 * New run form (defaults, validation, the dataset description). Then start
 * a guided run from the keyboard and watch its steps arrive, start an
 * unguided run, open the leaderboard, compare the two runs and export.
 * Screenshots go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { startBridge, type RunningBridge } from '../../src/bridge/server.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const datasetsRoot = path.resolve(repoRoot, '..', 'shared', 'datasets');
const fixtures = path.join(repoRoot, 'test', 'fixtures');
const rendererDir = path.join(repoRoot, 'out', 'renderer');
const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');
const chromiumPath = '/usr/bin/chromium';

/** A run of 2 steps on the tiny models takes well under a minute; this only stops a hung test. */
const runWaitMilliseconds = 240_000;

let workDir: string;
let bridge: RunningBridge;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

async function openScreen(label: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: label, exact: true })
    .click();
}

/**
 * Fill the New run form and start the run by pressing Enter in the label field.
 * Returns the dataset description the form sent.
 */
async function startRun(settings: {
  label: string;
  guidance: string;
  description?: string;
}): Promise<string> {
  await openScreen('New run');
  await page.locator('input[name=steps]').fill('2');
  await page.locator('input[name=candidatesPerStep]').fill('2');
  await page.locator('select[name=guidance]').selectOption(settings.guidance);
  const description = page.locator('textarea[name=datasetDescription]');
  if (settings.description !== undefined) {
    await description.fill(settings.description);
  }
  const sent = await description.inputValue();
  await page.locator('input[name=label]').fill(settings.label);
  await page.locator('input[name=label]').press('Enter');
  await page.getByRole('heading', { name: 'Live run' }).waitFor();
  return sent;
}

/** Labels of a chart legend that are cut off (their text wider than their box). */
async function clippedLegendLabels(): Promise<string[]> {
  return page
    .locator('.legend-item span')
    .evaluateAll((labels) =>
      labels
        .filter((label) => label.scrollWidth > label.clientWidth + 1)
        .map((label) => label.textContent ?? ''),
    );
}

before(async () => {
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing; run scripts/setup-e2e.sh`);
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    assert.equal(build.status, 0, 'electron-vite build failed');
  }
  await mkdir(screenshotDir, { recursive: true });
  workDir = await mkdtemp(path.join(os.tmpdir(), 'glov-e2e-'));
  bridge = await startBridge({
    dbPath: path.join(workDir, 'e2e.sqlite'),
    dataRoots: [datasetsRoot, fixtures],
    staticDir: rendererDir,
  });
  context = await chromium.launchPersistentContext(path.join(workDir, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: `http://127.0.0.1:${bridge.port}`,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // Failed API calls also log "Failed to load resource"; the flow checks those through the UI, so only
    // script errors and CSP violations count here.
    if (message.type() === 'error' && /Content Security Policy|Refused to|Uncaught/.test(message.text())) {
      pageErrors.push(message.text());
    }
  });
});

after(async () => {
  await context?.close();
  await bridge?.close();
  await rm(workDir, { recursive: true, force: true });
});

test('workbench flow in the browser', { timeout: 600_000 }, async () => {
  await page.goto(bridge.url);
  await page.getByRole('heading', { name: 'Datasets' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
  await page.getByText('No datasets yet.').waitFor();
  await shot('01-empty-state');

  // The screens that show runs explain how to begin, and Alt+digit reaches them from the keyboard.
  for (const [key, heading] of [
    ['Alt+4', 'Live run'],
    ['Alt+5', 'Leaderboard'],
    ['Alt+6', 'Compare'],
  ] as const) {
    await page.keyboard.press(key);
    await page.getByRole('heading', { name: heading }).waitFor();
    await page.getByTestId('no-runs').waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      heading,
      `focus moves to the ${heading} heading`,
    );
  }
  await shot('01b-no-runs-yet');
  await page.getByTestId('no-runs').getByRole('button', { name: 'Datasets' }).click();
  await page.getByRole('heading', { name: 'Datasets' }).waitFor();

  // Datasets: add dtd10 by path (the browser view has no file dialog) and browse a class.
  await page.locator('input[name=dataset-path]').fill(path.join(datasetsRoot, 'dtd10'));
  await page.getByRole('button', { name: 'Add dataset' }).click();
  await page.getByRole('heading', { name: /dtd10/ }).waitFor();
  await page
    .getByRole('list', { name: 'Classes' })
    .getByRole('button', { name: /braided/ })
    .click();
  await page.locator('.image-grid img').nth(3).waitFor();
  assert.equal(await page.locator('.image-grid img').count(), 4, 'four train images of braided');
  await shot('02-datasets');

  // A path outside the data roots is rejected with a readable message.
  await page.locator('input[name=dataset-path]').fill(workDir);
  await page.getByRole('button', { name: 'Add dataset' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /outside the allowed data roots/);
  await alert.getByRole('button', { name: 'Dismiss' }).click();

  // Models: the tiny GGUF chat model and the tiny CLIP export.
  await openScreen('Models');
  await page.locator('input[name=llm-path]').fill(path.join(fixtures, 'tiny-gguf', 'tiny-chat.gguf'));
  await page.locator('form:has(input[name=llm-path]) button').click();
  await page.getByText('Default steering layer').waitFor();
  await page.locator('input[name=vlm-path]').fill(path.join(fixtures, 'tiny-clip'));
  await page.locator('form:has(input[name=vlm-path]) button').click();
  await page
    .getByRole('article', { name: /Vision-language/ })
    .getByText('Architecture')
    .waitFor();
  await shot('03-models');

  // New run screen shows every setting with its default; dtd10 gets the built-in DTD description.
  await openScreen('New run');
  await page.locator('input[name=alpha]').waitFor();
  assert.equal(await page.locator('input[name=steps]').inputValue(), '100');
  assert.equal(await page.locator('input[name=seed]').inputValue(), '7777');
  assert.equal(await page.locator('select[name=mode]').inputValue(), 'glov');
  assert.equal(await page.locator('select[name=pooling]').inputValue(), 'padded');
  assert.equal(await page.locator('input[name=maxNewTokens]').inputValue(), '50');
  assert.equal(await page.locator('input[name=datasetName]').inputValue(), 'dtd10');
  assert.match(await page.locator('textarea[name=datasetDescription]').inputValue(), /Describable Textures/);
  assert.equal(
    await page.locator('input[name=temperature]').isVisible(),
    false,
    'sampling settings start folded',
  );
  await page.getByText('Advanced: LLM sampling').click();
  assert.equal(await page.locator('input[name=temperature]').inputValue(), '1');
  assert.equal(await page.locator('input[name=topP]').inputValue(), '0.9');
  await shot('04-new-run');

  // Invalid values are named next to their field, and nothing starts.
  await page.locator('input[name=steps]').fill('abc');
  await page.locator('input[name=topP]').fill('1.5');
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.locator('#error-steps').waitFor();
  assert.match(await page.locator('#error-steps').innerText(), /Steps: "abc" is not a whole number/);
  assert.match(await page.locator('#error-topP').innerText(), /Sampling top-p: 1\.5 is out of range/);
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('name')),
    'steps',
    'focus on the first bad field',
  );
  await shot('04b-new-run-invalid');
  await page.locator('input[name=topP]').fill('0.9');

  // Guided run, started with Enter: watch steps arrive, then wait for the end.
  const guidedDescription = await startRun({ label: 'guided', guidance: 'faithful' });
  await page.getByTestId('step').first().waitFor({ timeout: runWaitMilliseconds });
  assert.match(await page.getByTestId('step').first().innerText(), /^Step 1:/, 'steps count from 1');
  const firstMetaPrompt = await page.getByTestId('meta-prompt').innerText();
  assert.ok(
    firstMetaPrompt.includes(`Description: ${guidedDescription}`),
    'the description reaches the meta-prompt',
  );
  await page.locator('.chart-plot circle').first().waitFor();
  await shot('05-live-run');
  await page
    .getByTestId('run-status')
    .filter({ hasText: 'finished' })
    .waitFor({ timeout: runWaitMilliseconds });
  assert.equal(await page.getByTestId('step').count(), 2);
  assert.deepEqual(
    (await page.getByTestId('step').locator('summary').allInnerTexts()).map((text) => text.split(':')[0]),
    ['Step 2', 'Step 1'],
  );
  assert.match(await page.getByTestId('run-progress').innerText(), /2 \/ 2 steps/);
  assert.deepEqual(await page.locator('.legend-item').allInnerTexts(), [
    'best so far',
    'best of this step',
    'mean of this step',
  ]);
  assert.deepEqual(await clippedLegendLabels(), [], 'legend labels are not cut off');
  await shot('06-live-run-finished');

  // Unguided run for the comparison, with a dataset name and description of its own.
  await openScreen('New run');
  await page.locator('input[name=datasetName]').fill('Texture close-ups');
  await startRun({
    label: 'no guidance',
    guidance: 'none',
    description: 'Macro photos of fabric and stone surfaces.',
  });
  await page
    .getByTestId('run-status')
    .filter({ hasText: 'finished' })
    .waitFor({ timeout: runWaitMilliseconds });
  const ownMetaPrompt = await page.getByTestId('meta-prompt').innerText();
  assert.ok(
    ownMetaPrompt.includes(
      'Dataset: Texture close-ups\nDescription: Macro photos of fabric and stone surfaces.',
    ),
  );

  // Leaderboard of the selected run, with search.
  await openScreen('Leaderboard');
  const leaderboard = page.getByTestId('leaderboard');
  await leaderboard.getByText('a photo of a {c}.').waitFor();
  const initialRow = leaderboard.locator('tbody tr', { hasText: 'a photo of a {c}.' });
  assert.equal(
    await initialRow.locator('td').last().innerText(),
    'initial',
    'the initial template has no step number',
  );
  await page.getByRole('searchbox', { name: 'Search templates' }).fill('photo');
  assert.ok((await leaderboard.locator('tbody tr').count()) >= 1);
  await shot('07-leaderboard');

  // Compare both runs: one row per run plus the baseline.
  await openScreen('Compare');
  for (const checkbox of await page.getByRole('checkbox').all()) {
    await checkbox.check();
  }
  const compareTable = page.getByTestId('compare-table');
  await compareTable.getByText('guided', { exact: true }).waitFor();
  await compareTable.getByText('no guidance', { exact: true }).waitFor();
  assert.ok((await compareTable.locator('tbody tr').count()) >= 3, 'two runs and the baseline');
  assert.deepEqual(await clippedLegendLabels(), [], 'legend labels are not cut off');
  await shot('08-compare');

  // Export: a CSV download and the template list on the clipboard.
  await openScreen('Export');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const saved = await (await download).path();
  assert.match(await readFile(saved, 'utf8'), /^run_id,step,sample_index,template/);
  await page.getByRole('button', { name: 'Copy template list' }).click();
  await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(clipboard, /\{c\}/);
  await shot('09-export');

  assert.deepEqual(pageErrors, [], 'no page errors or CSP violations');
});
