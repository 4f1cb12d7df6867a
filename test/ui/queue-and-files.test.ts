// The live side and the files side of the UI, in headless Chromium against a real server with the test nodes:
// progress, latent previews and the running node while a prompt runs (inside a subgraph too), "control after
// generate", the batch count, queueing at the front, the queue panel (cancel, clear, interrupt), saving, listing and
// reopening workflows in user data, reload persistence, API export.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { http, startTestServer, type TestServer } from '../server/helpers.ts';
import { ensureWebBuilt, launchBrowser, openUi, screenshot, skipReason } from './browser.ts';
import { graphSummary } from './canvas-actions.ts';

const skip = skipReason();
let server: TestServer;
let browser: Browser;
let page: Page;

/** PrimitiveInt(1) → TestSleep(2).value, TestSleep → TestShow(3). */
function sleepWorkflow(ms: number, steps: number, control: string) {
  return {
    nodes: [
      { id: 1, type: 'PrimitiveInt', pos: [40, 120], size: [260, 90], flags: {}, order: 0, mode: 0, inputs: [], outputs: [{ name: 'INT', type: 'INT', links: [1] }], widgets_values: [5, control] },
      {
        id: 2, type: 'TestSleep', pos: [360, 120], size: [300, 300], flags: {}, order: 1, mode: 0,
        inputs: [{ name: 'value', type: 'INT', link: 1, widget: { name: 'value' } }],
        outputs: [{ name: 'INT', type: 'INT', links: [2] }],
        widgets_values: [0, ms, steps, true, 0],
      },
      { id: 3, type: 'TestShow', pos: [720, 120], size: [220, 60], flags: {}, order: 2, mode: 0, inputs: [{ name: 'value', type: 'INT', link: 2 }], outputs: [] },
    ],
    links: [[1, 1, 0, 2, 0, 'INT'], [2, 2, 0, 3, 0, 'INT']],
    version: 0.4,
  };
}

before(async () => {
  if (skip) return;
  ensureWebBuilt();
  server = await startTestServer();
  browser = await launchBrowser();
  page = await openUi(browser, server.url);
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await server?.close();
});

const openWorkflow = (workflow: unknown) => page.evaluate((w) => (globalThis as any).comfyApp.openWorkflow(w), workflow);
const widgetValue = (nodeId: number, name: string) =>
  page.evaluate(([id, n]) => (globalThis as any).comfyApp.graph.getNodeById(id).widgets.find((w: any) => w.name === n).value, [nodeId, name] as const);
const count = (selector: string) => page.locator(selector).count();

test('a run shows the running node, step progress and latent previews; the seed control steps the value', { skip: skip ?? false }, async () => {
  await openWorkflow(sleepWorkflow(1500, 6, 'increment'));
  await page.locator('#queue-button').click();
  await page.waitForFunction(() => (globalThis as any).comfyApp.graph.getNodeById(1).widgets[0].value === 6);
  // TestSleep runs: outlined, the bar moves, and its previews reach the corner and the node.
  await page.waitForFunction(`document.querySelector('#progress')?.getAttribute('data-value')?.endsWith('/6')`);
  await page.waitForFunction(`(() => {
    const preview = document.querySelector('#live-preview');
    return preview && !preview.hidden && preview.src.startsWith('blob:') && preview.naturalWidth > 0;
  })()`);
  const nodePreview: string[] = await page.evaluate(() => (globalThis as any).comfyApp.nodeImageUrls('2'));
  assert.match(nodePreview[0] ?? '', /^blob:/);
  assert.equal(await page.evaluate(() => (globalThis as any).comfyApp.graph.getNodeById(2).progress > 0), true);
  await screenshot(page, '06-running-with-preview');
  await page.locator('#queue-history li.history-success').first().waitFor({ timeout: 20_000 });
  await page.waitForFunction(`document.querySelector('#status-text')?.textContent === 'Idle'`);
  assert.equal(await widgetValue(1, 'value'), 6);
});

test('the queue panel cancels a pending prompt, clears the queue and interrupts the running one', { skip: skip ?? false }, async () => {
  await openWorkflow(sleepWorkflow(8000, 40, 'increment'));
  for (let i = 0; i < 4; i++) await page.locator('#queue-button').click();
  await page.waitForFunction(`document.querySelectorAll('#queue-running li').length === 1 && document.querySelectorAll('#queue-pending li').length === 3`);
  await screenshot(page, '07-queue-panel');

  const firstPending = await page.locator('#queue-pending li').first().getAttribute('data-prompt-id');
  await page.locator('#queue-pending li').first().locator('button.queue-cancel').click();
  await page.waitForFunction(`document.querySelectorAll('#queue-pending li').length === 2`);
  const queue = (await http(server, 'GET', '/queue')).json();
  assert.equal(queue.queue_pending.length, 2);
  assert.ok(!queue.queue_pending.some((item: unknown[]) => item[1] === firstPending));

  // "Front" queues ahead of the pending prompts: ComfyUI numbers it negative.
  await page.locator('#queue-front-button').click();
  await page.waitForFunction(`document.querySelectorAll('#queue-pending li').length === 3`);
  const pending = (await http(server, 'GET', '/queue')).json().queue_pending as [number, string][];
  const next = [...pending].sort((a, b) => a[0] - b[0])[0]!;
  assert.ok(next[0] < 0, `queued at the front, number ${next[0]}`);
  assert.ok(!queue.queue_pending.some((item: unknown[]) => item[1] === next[1]), 'it is the new prompt');

  await page.locator('#clear-queue').click();
  await page.waitForFunction(`document.querySelectorAll('#queue-pending li').length === 0`);
  const running = await page.locator('#queue-running li').first().getAttribute('data-prompt-id');
  await page.locator('#queue-running li button.queue-interrupt').click();
  await page.locator(`#queue-history li.history-error[data-prompt-id="${running}"]`).waitFor({ timeout: 10_000 });
  assert.equal(await count('#queue-running li'), 0);
  await page.waitForFunction(`document.querySelector('#status-text')?.textContent === 'Idle'`);
});

test('a node that fails while running is marked and its error shown', { skip: skip ?? false }, async () => {
  await openWorkflow({
    nodes: [
      { id: 1, type: 'TestFail', pos: [40, 120], size: [260, 60], flags: {}, order: 0, mode: 0, inputs: [], outputs: [{ name: 'INT', type: 'INT', links: [1] }], widgets_values: [3] },
      { id: 2, type: 'TestShow', pos: [360, 120], size: [220, 60], flags: {}, order: 1, mode: 0, inputs: [{ name: 'value', type: 'INT', link: 1 }], outputs: [] },
    ],
    links: [[1, 1, 0, 2, 0, 'INT']],
  });
  await page.locator('#queue-button').click();
  const row = page.locator('#error-panel li.node-error[data-node-id="1"]');
  await row.waitFor({ timeout: 10_000 });
  assert.match((await row.textContent())!, /boom from TestFail/);
  assert.equal(await page.evaluate(() => (globalThis as any).comfyApp.graph.getNodeById(2).widgets[0].computedDisabled), true, 'the linked widget is greyed out');
  await page.locator('#queue-history li.history-error').first().waitFor();
  await screenshot(page, '09-execution-error');
});

test('workflows are saved in user data, listed, reopened, and survive a reload; the API prompt exports', { skip: skip ?? false }, async () => {
  await openWorkflow(sleepWorkflow(10, 1, 'fixed'));
  page.once('dialog', (dialog) => void dialog.accept('ui flow'));
  await page.locator('#save-button').click();
  await page.locator('#workflow-list li[data-path="ui flow.json"]').waitFor();
  const stored = (await http(server, 'GET', '/userdata/workflows%2Fui%20flow.json')).json();
  assert.deepEqual(stored.nodes.map((n: { type: string }) => n.type), ['PrimitiveInt', 'TestSleep', 'TestShow']);

  const saved = await graphSummary(page);
  await page.locator('#default-button').click();
  assert.equal((await graphSummary(page)).nodes.length, 7);
  await page.locator('#workflow-list li[data-path="ui flow.json"] a.workflow-open').click();
  await page.waitForFunction(() => (globalThis as any).comfyApp.graph.nodes.length === 3);
  assert.deepEqual(await graphSummary(page), saved);
  await screenshot(page, '08-saved-workflow');

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await graphSummary(page), saved);

  const download = page.waitForEvent('download');
  await page.locator('#export-api-button').click();
  const file = await (await download).path();
  const prompt = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(prompt['1'], { inputs: { value: 5 }, class_type: 'PrimitiveInt', _meta: { title: 'Int' } });
  assert.deepEqual(prompt['2'].inputs, { ms: 10, steps: 1, preview: true, preview_kb: 0, value: ['1', 0] });
  assert.deepEqual(prompt['3'].inputs, { value: ['2', 0] });
});

test('the batch count queues the graph that many times, each with the next seed', { skip: skip ?? false }, async () => {
  await openWorkflow(sleepWorkflow(1, 1, 'increment'));
  const historyIds = async () => Object.keys((await http(server, 'GET', '/history')).json());
  const known = new Set(await historyIds());
  await page.locator('#batch-count').fill('3');
  await page.locator('#queue-button').click();
  await page.waitForFunction(() => (globalThis as any).comfyApp.graph.getNodeById(1).widgets[0].value === 8);
  let added: string[] = [];
  for (let i = 0; i < 200 && added.length < 3; i++) {
    added = (await historyIds()).filter((id) => !known.has(id));
    if (added.length < 3) await new Promise((r) => setTimeout(r, 50));
  }
  const history = (await http(server, 'GET', '/history')).json();
  const values = added.map((id) => history[id].prompt[2]['1'].inputs.value).sort();
  assert.deepEqual(values, [5, 6, 7]);
  await page.locator('#batch-count').fill('1');
});

test('a node running inside a subgraph shows its progress on the subgraph instance', { skip: skip ?? false }, async () => {
  await openWorkflow(sleepWorkflow(1500, 6, 'fixed'));
  const instanceId = await page.evaluate(() => {
    const graph = (globalThis as any).comfyApp.graph;
    graph.convertToSubgraph(new Set([graph.getNodeById(2)]));
    return String(graph.nodes.find((n: any) => n.isSubgraphNode()).id);
  });
  await page.locator('#queue-button').click();
  await page.waitForFunction((id) => ((globalThis as any).comfyApp.graph.getNodeById(id).progress ?? 0) > 0, instanceId, { timeout: 20_000 });
  await page.waitForFunction(`document.querySelector('#status-text')?.textContent === 'Idle'`, undefined, { timeout: 20_000 });
});
