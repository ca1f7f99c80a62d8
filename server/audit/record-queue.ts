/**
 * Audit records that need not hold up the request that made them (a session started, an
 * incident opened, a grant issued — none of them gates a picture): queued, and written together
 * once per event-loop turn in one transaction, so a burst of them costs one flush to disk, taken
 * after the answers went out. Records that gate something (a view) are appended synchronously by
 * their owner instead.
 */
import type { AuditInput } from './types.ts';

export interface BatchSink {
  appendMany(inputs: readonly AuditInput[]): unknown;
}

export class RecordQueue {
  readonly #sink: BatchSink;
  readonly #onError: (error: unknown, batch: readonly AuditInput[]) => void;
  #pending: AuditInput[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(sink: BatchSink, onError: (error: unknown, batch: readonly AuditInput[]) => void) {
    this.#sink = sink;
    this.#onError = onError;
  }

  record(input: AuditInput): void {
    this.#pending.push(input);
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes what is queued now (the hub does at close, before the log closes). */
  flush(): void {
    clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    try {
      this.#sink.appendMany(batch);
    } catch (error) {
      this.#onError(error, batch);
    }
  }
}
