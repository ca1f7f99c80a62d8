/**
 * Appends to the audit log without holding the event loop: SQLite's flush to disk (synchronous
 * = FULL) took 5 ms at the median and up to 300 ms on this machine, and the loop that waits for
 * it also relays camera RTP. The writer runs the AuditLog in a worker thread (the only
 * connection that writes) and commits in groups: records that arrive while a group is being
 * flushed go together in the next one, in the order they were given, so the chain is the order
 * of the calls.
 *
 * `append` resolves once its record is durable — the view-start record still comes before the
 * first frame, and a record that cannot be stored still refuses the view. `record` is for
 * records that gate nothing; their failures go to `onError`.
 *
 * Given `checkpoints`, the thread also runs the Checkpointer (see checkpoints.ts) over what it
 * stores: open() then fails when the log falls short of its latest checkpoint, and close() writes
 * the last checkpoint after the last record.
 */
import type { Worker } from 'node:worker_threads';
import { typescriptWorker } from '../ts-worker.ts';
import { AuditUnavailableError, AuditWriteError } from './errors.ts';
import type { AuditEntry, AuditInput } from './types.ts';

export type WriterRequest = { kind: 'append'; id: number; inputs: AuditInput[] } | { kind: 'close' };
export interface WriterReply {
  id: number;
  results: Array<{ entry: AuditEntry } | { error: string }>;
}
export type WriterMessage = WriterReply | { ready: true } | { failed: string } | { checkpointError: string };

export interface CheckpointSettings {
  /** Where checkpoints are appended (an AppendOnlyFile). */
  file: string;
  /** The hub's audit signing key (made on first use). */
  keyFile: string;
  everyRecords: number;
  everyMs: number;
}

export interface WriterData {
  file: string;
  checkpoints?: CheckpointSettings;
}

export interface WriterOptions extends WriterData {
  /** A record given to `record` could not be stored. */
  onError: (error: AuditWriteError, input: AuditInput) => void;
  /** A checkpoint could not be stored (the next one tries again). */
  onCheckpointError?: (message: string) => void;
}

interface Pending {
  input: AuditInput;
  settle: (result: { entry: AuditEntry } | { error: string }) => void;
}

const THREAD = new URL('./writer-thread.ts', import.meta.url);

export class AuditWriter {
  readonly #worker: Worker;
  readonly #onError: WriterOptions['onError'];
  /** Waiting for the next group. */
  #queue: Pending[] = [];
  /** The group being flushed, by id (at most one at a time: that is what makes groups grow under load). */
  #inFlight: { id: number; group: Pending[] } | undefined;
  #nextId = 1;
  #scheduled: NodeJS.Immediate | undefined;
  #failed: string | undefined;
  #closed = false;
  #idle: Array<() => void> = [];
  readonly #exited: Promise<void>;

  /** Opens (creating if needed) the log in `file`; rejects (AuditUnavailableError) with the reason it cannot be opened. */
  static async open(options: WriterOptions): Promise<AuditWriter> {
    const { file, checkpoints, onCheckpointError } = options;
    const worker = typescriptWorker(THREAD, {
      workerData: { file, ...(checkpoints ? { checkpoints } : {}) } satisfies WriterData
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: WriterMessage) => {
        if ('checkpointError' in message) return;
        worker.off('message', onMessage);
        worker.off('error', onFailure);
        if ('failed' in message) reject(new AuditUnavailableError(message.failed));
        else resolve();
      };
      const onFailure = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.on('message', onMessage);
      worker.once('error', onFailure);
    });
    return new AuditWriter(worker, options.onError, onCheckpointError);
  }

  private constructor(worker: Worker, onError: WriterOptions['onError'], onCheckpointError: WriterOptions['onCheckpointError']) {
    this.#worker = worker;
    this.#onError = onError;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: WriterMessage) => {
      if ('id' in message) this.#settle(message);
      else if ('checkpointError' in message) onCheckpointError?.(message.checkpointError);
    });
    worker.on('error', (error) => this.#fail(`the audit writer stopped: ${error.message}`));
    worker.on('exit', () => this.#fail('the audit writer stopped'));
  }

  /** Stores one record durably; resolves with it as stored, rejects with AuditWriteError (and then nothing was written). */
  append(input: AuditInput): Promise<AuditEntry> {
    return new Promise((resolve, reject) => {
      this.#enqueue({ input, settle: (result) => ('entry' in result ? resolve(result.entry) : reject(new AuditWriteError(result.error))) });
    });
  }

  /** A record that gates nothing: written with the next group. */
  record(input: AuditInput): void {
    this.#enqueue({ input, settle: (result) => void ('error' in result && this.#onError(new AuditWriteError(result.error), input)) });
  }

  /** Resolves once everything given so far is stored (or failed). */
  flush(): Promise<void> {
    if (this.#queue.length === 0 && !this.#inFlight) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stores what is queued, then closes the log and ends the thread. Idempotent; later records fail. */
  async close(): Promise<void> {
    if (this.#closed) return this.#exited;
    await this.flush();
    this.#closed = true;
    this.#worker.postMessage({ kind: 'close' } satisfies WriterRequest);
    await this.#exited;
  }

  #enqueue(pending: Pending): void {
    const refusal = this.#closed ? 'audit log is closed' : this.#failed;
    if (refusal !== undefined) {
      pending.settle({ error: refusal });
      return;
    }
    this.#queue.push(pending);
    // Everything given in this turn goes in one group.
    this.#scheduled ??= setImmediate(() => {
      this.#scheduled = undefined;
      this.#send();
    });
  }

  #send(): void {
    if (this.#inFlight || this.#queue.length === 0 || this.#failed !== undefined) return;
    const group = this.#queue;
    this.#queue = [];
    const id = this.#nextId++;
    this.#inFlight = { id, group };
    this.#worker.postMessage({ kind: 'append', id, inputs: group.map((p) => p.input) } satisfies WriterRequest);
  }

  #settle(reply: WriterReply): void {
    const flight = this.#inFlight;
    if (flight?.id !== reply.id) return;
    this.#inFlight = undefined;
    flight.group.forEach((pending, i) => pending.settle(reply.results[i] ?? { error: 'no answer from the audit writer' }));
    this.#send();
    this.#wakeIfIdle();
  }

  /** The thread is gone: everything waiting fails (closed), and so does everything after. */
  #fail(reason: string): void {
    if (this.#failed !== undefined) return;
    this.#failed = reason;
    const waiting = [...(this.#inFlight?.group ?? []), ...this.#queue];
    this.#inFlight = undefined;
    this.#queue = [];
    for (const pending of waiting) pending.settle({ error: reason });
    this.#wakeIfIdle();
  }

  #wakeIfIdle(): void {
    if (this.#queue.length > 0 || this.#inFlight) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
