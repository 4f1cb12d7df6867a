// The gallery: every image the nodes output in this session (from `executed` events), newest first, each linking
// to its full-size `/view` URL.
import { viewUrl } from '../api/client.ts';
import type { ImageRef } from '../api/types.ts';
import { h } from './dom.ts';

const MAX_SHOWN = 60;

export class Gallery {
  readonly element = h('section', { class: 'panel', id: 'gallery-panel' });
  private readonly grid = h('div', { class: 'gallery-grid', id: 'gallery' });

  constructor() {
    this.element.append(h('header', {}, h('h2', {}, 'Gallery'), h('button', { onclick: () => this.grid.replaceChildren() }, 'Clear')), this.grid);
  }

  add(images: ImageRef[], nodeId: string): void {
    for (const image of images) {
      const url = viewUrl(image);
      const item = h('a', { href: url, target: '_blank', class: 'gallery-item', title: `${image.filename} (node ${nodeId})` },
        h('img', { src: url, alt: image.filename, dataset: { filename: image.filename, type: image.type, nodeId } }));
      this.grid.prepend(item);
    }
    while (this.grid.children.length > MAX_SHOWN) this.grid.lastElementChild!.remove();
  }
}
