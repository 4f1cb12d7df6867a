// The interrupt flag (execution.md §4.5): set by POST /interrupt, reset when a prompt starts, checked (and cleared
// when it fires) before each node call and at every progress report. Async work also gets an AbortSignal.
import { InterruptedError } from '../nodes/node-definition.ts';

export class InterruptFlag {
  private flag = false;
  private controller = new AbortController();

  /** A new prompt starts: earlier interrupts no longer count. */
  reset(): void {
    this.flag = false;
    this.controller = new AbortController();
  }

  request(): void {
    this.flag = true;
    this.controller.abort(new InterruptedError());
  }

  /** Throws InterruptedError once if an interrupt is pending. */
  throwIfRequested(): void {
    if (!this.flag) return;
    this.flag = false;
    throw new InterruptedError();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
}
