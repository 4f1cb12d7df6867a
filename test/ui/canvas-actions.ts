// Driving the litegraph canvas like a person: graph coordinates → screen points, double-click search to add a
// node, dragging a link between sockets, clicking a widget. State is read through `window.comfyApp`.
import type { Page } from 'playwright-core';

export type Point = [number, number];

/** Screen point of a graph-space point. */
export async function screenPoint(page: Page, graphPoint: Point): Promise<Point> {
  return page.evaluate(([x, y]) => {
    const app = (globalThis as any).comfyApp;
    const [cx, cy] = app.canvas.ds.convertOffsetToCanvas([x, y]);
    const rect = app.canvas.canvas.getBoundingClientRect();
    return [rect.left + cx, rect.top + cy] as [number, number];
  }, graphPoint);
}

/** Double-clicks the empty canvas at this point until litegraph's search box opens; returns its input. */
export async function openSearchBox(page: Page, at: Point) {
  const input = page.locator('.litesearchbox input.value');
  // litegraph times the two clicks itself: on a loaded machine they can arrive too far apart, so try again.
  for (let attempt = 1; ; attempt++) {
    await page.mouse.dblclick(at[0], at[1]);
    try {
      await input.waitFor({ timeout: 5000 });
      return input;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

/** Double-clicks the empty canvas at this screen point, searches, and picks the node type; returns its id. */
export async function addNodeBySearch(page: Page, at: Point, search: string, type: string): Promise<string> {
  const before: string[] = await page.evaluate(() => (globalThis as any).comfyApp.graph.nodes.map((n: any) => String(n.id)));
  const input = await openSearchBox(page, at);
  await input.pressSequentially(search);
  await page.locator(`.litesearchbox .lite-search-item[data-type="${type}"]`).first().click();
  return page.evaluate(
    ([known, wanted]) => {
      const node = (globalThis as any).comfyApp.graph.nodes.find((n: any) => !known.includes(String(n.id)) && n.type === wanted);
      if (!node) throw new Error(`no new ${wanted} node`);
      return String(node.id);
    },
    [before, type] as const,
  );
}

/** Drags from an output socket to an input socket (by input name). */
export async function dragLink(page: Page, fromId: string, outputSlot: number, toId: string, inputName: string): Promise<void> {
  const [from, to] = await page.evaluate(
    ([a, slot, b, name]) => {
      const graph = (globalThis as any).comfyApp.graph;
      const source = graph.getNodeById(a);
      const target = graph.getNodeById(b);
      const index = target.inputs.findIndex((i: any) => i.name === name);
      return [source.getOutputPos(slot), target.getInputPos(index)];
    },
    [fromId, outputSlot, toId, inputName] as const,
  );
  const [start, end] = [await screenPoint(page, from), await screenPoint(page, to)];
  await page.mouse.move(start[0], start[1]);
  await page.mouse.down();
  await page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, { steps: 5 });
  await page.mouse.move(end[0], end[1], { steps: 5 });
  await page.mouse.up();
}

/** Clicks the middle of a node's widget. */
export async function clickWidget(page: Page, nodeId: string, widgetName: string): Promise<void> {
  const point = await page.evaluate(
    ([id, name]) => {
      const node = (globalThis as any).comfyApp.graph.getNodeById(id);
      const widget = node.widgets.find((w: any) => w.name === name);
      return [node.pos[0] + node.size[0] / 2, node.pos[1] + widget.y + 10] as [number, number];
    },
    [nodeId, widgetName] as const,
  );
  const [x, y] = await screenPoint(page, point);
  await page.mouse.click(x, y);
}

export interface GraphSummary {
  nodes: { id: string; type: string }[];
  /** `originId:slot->targetId.inputName` */
  links: string[];
}

export async function graphSummary(page: Page): Promise<GraphSummary> {
  return page.evaluate(() => {
    const graph = (globalThis as any).comfyApp.graph;
    const nodes = graph.nodes.map((n: any) => ({ id: String(n.id), type: n.type }));
    const links = [...graph.links.values()].map((l: any) => `${l.origin_id}:${l.origin_slot}->${l.target_id}.${graph.getNodeById(l.target_id).inputs[l.target_slot].name}`);
    return { nodes, links: links.sort() };
  });
}

/** A point on the canvas away from the nodes (a fraction of its size). */
export async function canvasSpot(page: Page, fx: number, fy: number): Promise<Point> {
  const box = (await page.locator('#graph-canvas').boundingBox())!;
  return [box.x + box.width * fx, box.y + box.height * fy];
}
