// The editor end to end in headless Chromium against a real server: the default graph, adding nodes by search,
// connecting them, uploading an input image, queueing LoadImage → ImageInvert → SaveImage and seeing the output,
// reopening that output PNG's embedded workflow by drag-and-drop, and a validation error shown on its node.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { http, startTestServer, writeTestPng, type TestServer } from '../server/helpers.ts';
import { ensureWebBuilt, launchBrowser, openUi, screenshot, skipReason } from './browser.ts';
import { addNodeBySearch, canvasSpot, openSearchBox, clickWidget, dragLink, graphSummary } from './canvas-actions.ts';

const skip = skipReason();
let server: TestServer;
let browser: Browser;
let page: Page;
let scratch: string;
let outputFile = '';

before(async () => {
  if (skip) return;
  ensureWebBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'comfy-ts-ui-'));
  server = await startTestServer([], { testNodes: false });
  await writeTestPng(join(server.baseDir, 'input'), 'aaa-first.png', 8, 8);
  browser = await launchBrowser();
  page = await openUi(browser, server.url);
  page.on('dialog', (dialog) => void dialog.accept());
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const app = <T>(expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;

test('a first visit opens the default txt2img graph', { skip: skip ?? false }, async () => {
  const { nodes, links } = await graphSummary(page);
  assert.deepEqual(nodes.map((n) => n.type).sort(), ['CLIPTextEncode', 'CLIPTextEncode', 'CheckpointLoaderSimple', 'EmptyLatentImage', 'KSampler', 'SaveImage', 'VAEDecode']);
  assert.equal(links.length, 9);
  assert.ok(links.includes('4:0->3.model'));
  await screenshot(page, '01-default-workflow');
});

test('widgets follow the input specs: numbers with bounds and steps, combos, seed control, multiline text', { skip: skip ?? false }, async () => {
  // (No named functions inside evaluate: tsx would wrap them in a helper the page lacks.)
  const [sampler, latent, text] = await page.evaluate(() =>
    [3, 5, 6].map((id) =>
      (globalThis as any).comfyApp.graph.getNodeById(id).widgets.map((w: any) => ({
        name: w.name, type: w.type, value: w.value, min: w.options.min, max: w.options.max, step: w.options.step2,
        precision: w.options.precision, multiline: w.options.multiline, values: w.options.values?.length,
      })),
    ),
  );
  const widgets = { sampler, latent, text };
  const byName = (list: any[], name: string) => list.find((w) => w.name === name);
  assert.deepEqual(widgets.sampler.map((w: any) => w.name), ['seed', 'control_after_generate', 'steps', 'cfg', 'sampler_name', 'scheduler', 'denoise']);
  assert.deepEqual(byName(widgets.sampler, 'control_after_generate'), { name: 'control_after_generate', type: 'combo', value: 'randomize', min: undefined, max: undefined, step: undefined, precision: undefined, multiline: undefined, values: 4 });
  assert.equal(byName(widgets.sampler, 'cfg').precision, 2);
  assert.ok(byName(widgets.sampler, 'sampler_name').values > 5);
  assert.deepEqual(byName(widgets.latent, 'width'), { name: 'width', type: 'number', value: 512, min: 16, max: 16384, step: 8, precision: 0, multiline: undefined, values: undefined });
  assert.equal(byName(widgets.text, 'text').multiline, true);

  // A multiline STRING edits in a text area.
  const point = await page.evaluate(() => {
    const app = (globalThis as any).comfyApp;
    const node = app.graph.getNodeById(6);
    const [x, y] = app.canvas.ds.convertOffsetToCanvas([node.pos[0] + node.size[0] / 2, node.pos[1] + node.widgets[0].y + 10]);
    const rect = app.canvas.canvas.getBoundingClientRect();
    return [rect.left + x, rect.top + y];
  });
  await page.mouse.click(point[0]!, point[1]!);
  await page.locator('.graphdialog textarea').fill('first line\nsecond line');
  await page.locator('.graphdialog button').click();
  assert.equal(await app('comfyApp.graph.getNodeById(6).widgets[0].value'), 'first line\nsecond line');
});

test('the search box lists the node types of /object_info; a double-click adds one', { skip: skip ?? false }, async () => {
  await page.locator('#clear-button').click();
  assert.equal(await app('comfyApp.graph.nodes.length'), 0);
  const at = await canvasSpot(page, 0.2, 0.3);
  await openSearchBox(page, at);
  await page.locator('.litesearchbox .lite-search-item').first().waitFor();
  const listed = await page.locator('.litesearchbox .lite-search-item').count();
  assert.ok(listed >= (await app<number>('Object.keys(comfyApp.objectInfo).length')), `all node types listed: ${listed}`);
  await page.locator('.litesearchbox input.value').pressSequentially('invert');
  // The list filters as one types: only matching titles or class names stay.
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.litesearchbox .lite-search-item').length < 10);
  const item = page.locator('.litesearchbox .lite-search-item[data-type="ImageInvert"]');
  assert.match((await item.textContent())!, /^Invert Image/);
  await screenshot(page, '02-search-box');
  await page.keyboard.press('Escape');
  await page.locator('.litesearchbox').waitFor({ state: 'detached' });

  // The canvas menu lists them by category too.
  await page.mouse.click(at[0], at[1], { button: 'right' });
  await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Add Node' }).click();
  const categories = await page.locator('.litecontextmenu').last().locator('.litemenu-entry').allTextContents();
  for (const category of ['image', 'latent', 'sampling', 'loaders', 'conditioning']) assert.ok(categories.includes(category), categories.join(', '));
  await page.locator('.litecontextmenu').last().locator('.litemenu-entry', { hasText: /^image$/ }).click();
  const imageNodes = await page.locator('.litecontextmenu').last().locator('.litemenu-entry').allTextContents();
  assert.ok(imageNodes.includes('Invert Image'), imageNodes.join(', '));
  await screenshot(page, '02-add-node-menu');
  await page.keyboard.press('Escape');
  await page.mouse.click(at[0], at[1]);
});

test('build LoadImage → ImageInvert → SaveImage, upload an image, queue it, see the inverted output', { skip: skip ?? false }, async () => {
  const load = await addNodeBySearch(page, await canvasSpot(page, 0.05, 0.2), 'load image', 'LoadImage');
  const invert = await addNodeBySearch(page, await canvasSpot(page, 0.3, 0.2), 'invert', 'ImageInvert');
  const save = await addNodeBySearch(page, await canvasSpot(page, 0.5, 0.2), 'save image', 'SaveImage');
  await dragLink(page, load, 0, invert, 'image');
  await dragLink(page, invert, 0, save, 'images');
  const { links } = await graphSummary(page);
  assert.deepEqual(links, [`${invert}:0->${save}.images`, `${load}:0->${invert}.image`].sort());

  // The upload button posts to /upload/image and selects the new file.
  const picture = join(scratch, 'uploaded.png');
  await sharp({ create: { width: 6, height: 4, channels: 3, background: { r: 250, g: 20, b: 100 } } }).png().toFile(picture);
  const chooser = page.waitForEvent('filechooser');
  await clickWidget(page, load, 'upload');
  await (await chooser).setFiles(picture);
  await page.waitForFunction((id) => (globalThis as any).comfyApp.graph.getNodeById(id).widgets[0].value === 'uploaded.png', load);
  assert.ok(readFileSync(join(server.baseDir, 'input', 'uploaded.png')).length > 0);

  await page.locator('#queue-button').click();
  const galleryImage = page.locator(`#gallery img[data-node-id="${save}"]`).first();
  await galleryImage.waitFor({ timeout: 30_000 });
  await page.waitForFunction(`[...document.querySelectorAll('#gallery img')].every((img) => img.complete && img.naturalWidth > 0)`);
  outputFile = (await galleryImage.getAttribute('data-filename'))!;
  assert.match(outputFile, /^ComfyUI_\d{5}_\.png$/);
  const shownOnNode: string[] = await page.evaluate((id) => (globalThis as any).comfyApp.nodeImageUrls(id), save);
  assert.equal(shownOnNode.length, 1);
  assert.match(shownOnNode[0]!, new RegExp(`filename=${outputFile}`));
  const { data } = await sharp(readFileSync(join(server.baseDir, 'output', outputFile))).raw().toBuffer({ resolveWithObject: true });
  const inverted = [255 - 250, 255 - 20, 255 - 100];
  inverted.forEach((value, c) => assert.ok(Math.abs(data[c]! - value) <= 1, `channel ${c}: ${data[c]} ≈ ${value}`));
  await page.locator('#queue-history li.history-success').first().waitFor();
  await screenshot(page, '03-invert-output');
});

test('dropping a PNG made by SaveImage reopens its embedded workflow', { skip: skip ?? false }, async () => {
  assert.ok(outputFile, 'needs the output of the previous test');
  const expected = await graphSummary(page);
  await page.locator('#clear-button').click();
  const png = readFileSync(join(server.baseDir, 'output', outputFile)).toString('base64');
  const [x, y] = await canvasSpot(page, 0.5, 0.5);
  await page.evaluate(
    ([base64, name, cx, cy]) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const g = globalThis as any;
      const transfer = new g.DataTransfer();
      transfer.items.add(new File([bytes], name, { type: 'image/png' }));
      g.document.querySelector('#graph-canvas').dispatchEvent(new g.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true, clientX: cx, clientY: cy }));
    },
    [png, outputFile, x, y] as const,
  );
  await page.waitForFunction(() => (globalThis as any).comfyApp.graph.nodes.length === 3);
  assert.deepEqual(await graphSummary(page), expected);
  await screenshot(page, '04-workflow-from-png');
});

test('an API-format prompt opens as a graph and runs; a scripted prompt in history reopens the same way', { skip: skip ?? false }, async () => {
  const prompt = {
    '10': { class_type: 'LoadImage', inputs: { image: 'aaa-first.png' }, _meta: { title: 'Source' } },
    '11': { class_type: 'ImageInvert', inputs: { image: ['10', 0] } },
    '12': { class_type: 'SaveImage', inputs: { images: ['11', 0], filename_prefix: 'from-api' } },
  };
  const file = join(scratch, 'api-prompt.json');
  writeFileSync(file, JSON.stringify(prompt));
  const chooser = page.waitForEvent('filechooser');
  await page.locator('#open-button').click();
  await (await chooser).setFiles(file);
  await page.waitForFunction(() => (globalThis as any).comfyApp.graph.getNodeById(12));
  const expected = {
    nodes: [{ id: '10', type: 'LoadImage' }, { id: '11', type: 'ImageInvert' }, { id: '12', type: 'SaveImage' }],
    links: ['10:0->11.image', '11:0->12.images'],
  };
  const sortedById = (s: Awaited<ReturnType<typeof graphSummary>>) => ({ ...s, nodes: [...s.nodes].sort((a, b) => a.id.localeCompare(b.id)) });
  assert.deepEqual(sortedById(await graphSummary(page)), expected);
  const shown = await app<{ title: string; image: unknown; prefix: unknown; xs: number[] }>(`(() => {
    const graph = globalThis.comfyApp.graph;
    const widget = (id, name) => graph.getNodeById(id).widgets.find((w) => w.name === name).value;
    return { title: graph.getNodeById(10).title, image: widget(10, 'image'), prefix: widget(12, 'filename_prefix'), xs: [10, 11, 12].map((id) => graph.getNodeById(id).pos[0]) };
  })()`);
  assert.equal(shown.title, 'Source');
  assert.equal(shown.image, 'aaa-first.png');
  assert.equal(shown.prefix, 'from-api');
  assert.ok(shown.xs[0]! < shown.xs[1]! && shown.xs[1]! < shown.xs[2]!, `laid out left to right by depth: ${shown.xs.join(', ')}`);
  await screenshot(page, '04b-api-prompt');

  await page.locator('#queue-button').click();
  for (let i = 0; i < 200 && !existsSync(join(server.baseDir, 'output', 'from-api_00001_.png')); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(join(server.baseDir, 'output', 'from-api_00001_.png')), 'the rebuilt graph ran');

  // A prompt POSTed by a script carries no workflow; its history row still opens it.
  await page.locator('#clear-button').click();
  const { prompt_id: id } = (await http(server, 'POST', '/prompt', { body: { prompt: { ...prompt, '12': { ...prompt['12'], inputs: { ...prompt['12'].inputs, filename_prefix: 'scripted' } } } } })).json();
  const load = page.locator(`#queue-history li[data-prompt-id="${id}"] button.queue-load`);
  await load.waitFor({ timeout: 10_000 });
  await load.click();
  await page.waitForFunction(() => (globalThis as any).comfyApp.graph.nodes.length === 3);
  assert.deepEqual(sortedById(await graphSummary(page)), expected);
});

test('nodes turned into a subgraph run as "instance:inner" nodes, and the saved workflow reopens with the subgraph', { skip: skip ?? false }, async () => {
  const workflow = {
    nodes: [
      { id: 1, type: 'LoadImage', pos: [50, 100], size: [300, 320], flags: {}, order: 0, mode: 0, inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }, { name: 'MASK', type: 'MASK', links: [] }], widgets_values: ['aaa-first.png', 'image'] },
      { id: 2, type: 'ImageInvert', pos: [420, 100], size: [220, 50], flags: {}, order: 1, mode: 0, inputs: [{ name: 'image', type: 'IMAGE', link: 1 }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }] },
      { id: 3, type: 'SaveImage', pos: [700, 100], size: [300, 300], flags: {}, order: 2, mode: 0, inputs: [{ name: 'images', type: 'IMAGE', link: 2 }], outputs: [], widgets_values: ['in-subgraph'] },
    ],
    links: [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']],
    version: 0.4,
  };
  const saved = await page.evaluate((w) => {
    const comfy = (globalThis as any).comfyApp;
    comfy.openWorkflow(w);
    const graph = comfy.graph;
    graph.convertToSubgraph(new Set([graph.getNodeById(2), graph.getNodeById(3)]));
    return comfy.currentWorkflow();
  }, workflow);
  assert.equal(saved.definitions.subgraphs.length, 1);
  const instance = saved.nodes.find((n: { type: string }) => n.type === saved.definitions.subgraphs[0].id);
  assert.ok(instance, 'the instance node is saved with the subgraph id as its type');
  await screenshot(page, '04c-subgraph');

  await page.locator('#queue-button').click();
  // The history entry, not the file: SaveImage writes the file before the prompt ends and is recorded.
  const findEntry = async () => Object.values((await http(server, 'GET', '/history')).json())
    .find((e: any) => Object.values(e.prompt[2]).some((n: any) => n.inputs.filename_prefix === 'in-subgraph')) as any;
  let entry = await findEntry();
  for (let i = 0; i < 400 && !entry; i++) {
    await new Promise((r) => setTimeout(r, 50));
    entry = await findEntry();
  }
  assert.ok(entry, 'the subgraph ran');
  assert.equal(entry.status.status_str, 'success');
  assert.ok(existsSync(join(server.baseDir, 'output', 'in-subgraph_00001_.png')));
  assert.deepEqual(Object.keys(entry.prompt[2]).sort(), ['1', `${instance.id}:2`, `${instance.id}:3`]);

  // Reopened from its JSON, the instance is a subgraph node again and converts the same way.
  const reopened = await page.evaluate(([w, id]) => {
    const comfy = (globalThis as any).comfyApp;
    comfy.openWorkflow(w);
    return { isSubgraph: comfy.graph.getNodeById(id).isSubgraphNode(), prompt: Object.keys(comfy.apiPrompt()).sort() };
  }, [saved, instance.id] as const);
  assert.equal(reopened.isSubgraph, true);
  assert.deepEqual(reopened.prompt, ['1', `${instance.id}:2`, `${instance.id}:3`]);

  // A refused node inside the subgraph is listed, and its instance is outlined with the message under it.
  const broken = structuredClone(saved);
  const definition = broken.definitions.subgraphs[0];
  definition.links = definition.links.filter((l: { target_id: number }) => l.target_id !== 3);
  definition.nodes.find((n: { id: number }) => n.id === 3).inputs[0].link = null;
  await page.evaluate((w) => (globalThis as any).comfyApp.openWorkflow(w), broken);
  await page.locator('#queue-button').click();
  await page.locator(`#error-panel li.node-error[data-node-id="${instance.id}:3"]`).waitFor({ timeout: 10_000 });
  const outlined = await page.evaluate((id) => {
    const node = (globalThis as any).comfyApp.graph.getNodeById(id);
    return node.strokeStyles.validation.call(node)?.color ?? null;
  }, instance.id);
  assert.equal(outlined, '#f44');
});

test('a prompt the server refuses marks the offending node and input', { skip: skip ?? false }, async () => {
  // LoadImage and SaveImage around an ImageInvert whose image input is not connected.
  const workflow = {
    nodes: [
      { id: 1, type: 'LoadImage', pos: [50, 100], size: [300, 320], flags: {}, order: 0, mode: 0, inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }, { name: 'MASK', type: 'MASK', links: [] }], widgets_values: ['uploaded.png', 'image'] },
      { id: 2, type: 'ImageInvert', pos: [420, 100], size: [220, 50], flags: {}, order: 1, mode: 0, inputs: [{ name: 'image', type: 'IMAGE', link: null }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }] },
      { id: 3, type: 'SaveImage', pos: [700, 100], size: [300, 300], flags: {}, order: 2, mode: 0, inputs: [{ name: 'images', type: 'IMAGE', link: 1 }], outputs: [], widgets_values: ['broken'] },
    ],
    links: [[1, 2, 0, 3, 0, 'IMAGE']],
    version: 0.4,
  };
  const file = join(scratch, 'broken.json');
  writeFileSync(file, JSON.stringify(workflow));
  const chooser = page.waitForEvent('filechooser');
  await page.locator('#open-button').click();
  await (await chooser).setFiles(file);
  await page.waitForFunction(() => (globalThis as any).comfyApp.graph.nodes.length === 3 && (globalThis as any).comfyApp.graph.getNodeById(2));

  await page.locator('#queue-button').click();
  const row = page.locator('#error-panel li.node-error[data-node-id="2"]');
  await row.waitFor({ timeout: 10_000 });
  assert.equal(await row.getAttribute('data-input'), 'image');
  assert.match((await row.textContent())!, /Required input is missing/);
  const flagged = await page.evaluate(() => (globalThis as any).comfyApp.graph.getNodeById(2).inputs.find((i: any) => i.name === 'image').hasErrors);
  assert.equal(flagged, true);
  await screenshot(page, '05-validation-error');
});
