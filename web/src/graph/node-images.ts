// Images drawn inside a node, below its widgets: the picked input image of LoadImage, the outputs of SaveImage /
// PreviewImage after a run, and the latest latent preview of the node being sampled.
import { LiteGraph, type LGraphNode } from '@comfyorg/litegraph';

const MIN_IMAGE_AREA = 200;
const images = new WeakMap<LGraphNode, HTMLImageElement[]>();

/** The URLs of the images a node shows now (tests and the gallery read them). */
export function nodeImageUrls(node: LGraphNode): string[] {
  return (images.get(node) ?? []).map((img) => img.src);
}

function contentTop(node: LGraphNode): number {
  let top = Math.max(node.inputs.filter((i) => !i.widget).length, node.outputs.length) * LiteGraph.NODE_SLOT_HEIGHT + 6;
  for (const widget of node.widgets ?? []) top = Math.max(top, (widget.y ?? 0) + (widget.computedHeight ?? LiteGraph.NODE_WIDGET_HEIGHT + 4));
  return top + 4;
}

/** Shows these images in the node (an empty list removes them); the node grows to fit when too small. */
export function setNodeImages(node: LGraphNode, urls: string[]): void {
  const loaded = urls.map((url) => {
    const img = new Image();
    img.onload = () => node.setDirtyCanvas(true, false);
    img.src = url;
    return img;
  });
  if (loaded.length === 0) images.delete(node);
  else images.set(node, loaded);
  const wanted = contentTop(node) + MIN_IMAGE_AREA;
  if (loaded.length > 0 && node.size[1] < wanted) node.setSize([Math.max(node.size[0], 220), wanted]);
  node.setDirtyCanvas(true, false);
}

/** Draws the images in a grid that fills the free area (node-local coordinates). */
export function drawNodeImages(node: LGraphNode, ctx: CanvasRenderingContext2D): void {
  const shown = (images.get(node) ?? []).filter((img) => img.complete && img.naturalWidth > 0);
  if (shown.length === 0 || node.flags.collapsed) return;
  const top = contentTop(node);
  const [width, height] = [node.size[0], node.size[1] - top];
  if (height < 16) return;
  const columns = Math.ceil(Math.sqrt(shown.length));
  const rows = Math.ceil(shown.length / columns);
  const [cellW, cellH] = [width / columns, height / rows];
  shown.forEach((img, i) => {
    const scale = Math.min(cellW / img.naturalWidth, cellH / img.naturalHeight);
    const [w, h] = [img.naturalWidth * scale, img.naturalHeight * scale];
    const x = (i % columns) * cellW + (cellW - w) / 2;
    const y = top + Math.floor(i / columns) * cellH + (cellH - h) / 2;
    ctx.drawImage(img, x, y, w, h);
  });
}
