// The progress strip under the toolbar: the step progress of the node running now (`progress` events), and a
// status line (connection, queue size, what is running).
import { h } from './dom.ts';

export class ProgressView {
  readonly bar = h('div', { id: 'progress-bar' });
  readonly element = h('div', { id: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' }, this.bar);
  readonly status = h('span', { id: 'status-text' }, 'connecting…');
  readonly queueSize = h('span', { id: 'queue-size' }, 'Queue: 0');

  set(value: number, max: number): void {
    const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
    this.bar.style.width = `${percent}%`;
    this.element.setAttribute('aria-valuenow', String(percent));
    this.element.dataset.value = `${value}/${max}`;
  }

  reset(): void {
    this.set(0, 0);
    delete this.element.dataset.value;
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  setQueueRemaining(count: number): void {
    this.queueSize.textContent = `Queue: ${count}`;
    this.queueSize.dataset.count = String(count);
  }
}
