/**
 * Checkpoints of the audit chain: every `everyRecords` records or `everyMs` after a record they
 * do not cover yet, and at a clean stop, the hub signs the chain's head (seq + hash) with its
 * audit key and appends it to a CheckpointStore outside the database. The hash chain alone shows
 * an edit; only something kept elsewhere shows that records are missing from the end, that the
 * whole log is gone, that the file is an older copy, or that the chain was recomputed after an
 * edit. A checkpoint line: canonical JSON of { at, hash, kid, seq, v } plus `sig`, the Ed25519
 * signature of that JSON without `sig`.
 */
import { z } from 'zod';
import type { AuditKey } from './audit-key.ts';
import { canonicalJson } from './chain.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import { AuditUnavailableError } from './errors.ts';
import type { AuditLog, ChainHead } from './log.ts';
import type { BreakKind } from './types.ts';

const checkpointSchema = z
  .object({
    v: z.literal(1),
    seq: z.number().int().min(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    at: z.number().int().min(0),
    kid: z.string().min(1),
    sig: z.string().regex(/^[A-Za-z0-9_-]+$/)
  })
  .strict();

export type Checkpoint = z.infer<typeof checkpointSchema>;

export function signCheckpoint(key: AuditKey, head: ChainHead, at: number): string {
  const body = { v: 1, seq: head.seq, hash: head.hash, at, kid: key.kid } as const;
  return canonicalJson({ ...body, sig: key.sign(canonicalJson(body)) });
}

/** A stored line as a checkpoint whose signature `key` confirms, or why it is not one. */
export function readCheckpoint(line: string, key: AuditKey): { checkpoint: Checkpoint } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) return { problem: `not a checkpoint (${parsed.error.issues[0]?.path.join('.') || 'shape'})` };
  const { sig, ...body } = parsed.data;
  if (body.kid !== key.kid) return { problem: `signed by another key (kid ${body.kid}, this key is ${key.kid})` };
  if (!key.verify(canonicalJson(body), sig)) return { problem: 'the signature does not match: forged or altered' };
  return { checkpoint: parsed.data };
}

export interface CheckpointerOptions {
  everyRecords: number;
  everyMs: number;
  now?: () => number;
  /** A checkpoint could not be stored (the hub logs it; the next one tries again). */
  onError: (error: unknown) => void;
}

/**
 * Owns the checkpoint timer and the store. open() checks the log against the latest checkpoint
 * first and refuses a log that falls short of it (cut, emptied, rolled back or rewritten): the
 * hub must not write on top of such a log as if nothing happened. close() writes the last one.
 */
export class Checkpointer {
  readonly #log: AuditLog;
  readonly #store: CheckpointStore;
  readonly #key: AuditKey;
  readonly #options: CheckpointerOptions;
  /** The last seq a stored checkpoint covers. */
  #covered: number;
  /** The head when the last checkpoint was asked for: while a slow write is under way, the count runs from there. */
  #requested: number;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #onAppend = (head: ChainHead) => {
    if (head.seq - Math.max(this.#covered, this.#requested) >= this.#options.everyRecords) void this.checkpoint();
    else this.#timer ??= setTimeout(() => void this.checkpoint(), this.#options.everyMs).unref();
  };

  static async open(log: AuditLog, store: CheckpointStore, key: AuditKey, options: CheckpointerOptions): Promise<Checkpointer> {
    const line = await store.last();
    let covered = 0;
    if (line !== undefined) {
      const read = readCheckpoint(line, key);
      if ('problem' in read) throw new AuditUnavailableError(`the latest audit checkpoint in ${store.where} cannot be trusted: ${read.problem}. Run npm run audit:verify.`);
      const finding = compareWithCheckpoint(log, read.checkpoint);
      if (finding) {
        throw new AuditUnavailableError(
          `the audit log does not match its latest checkpoint (${store.where}): ${finding.reason}. Run npm run audit:verify; to start on this log anyway, move the checkpoint file aside and keep it as evidence.`
        );
      }
      covered = read.checkpoint.seq;
    }
    const checkpointer = new Checkpointer(log, store, key, options, covered);
    // A log the checkpoints do not cover yet (a crash before the last one, a log from before checkpoints): cover it now.
    if (log.head.seq > covered) await checkpointer.checkpoint();
    return checkpointer;
  }

  private constructor(log: AuditLog, store: CheckpointStore, key: AuditKey, options: CheckpointerOptions, covered: number) {
    this.#log = log;
    this.#store = store;
    this.#key = key;
    this.#options = options;
    this.#covered = covered;
    this.#requested = covered;
    log.observer.on('append', this.#onAppend);
  }

  /** Signs and stores the current head if it moved past the last checkpoint; one write at a time. */
  checkpoint(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#requested = this.#log.closed ? this.#requested : this.#log.head.seq;
    this.#writing = this.#writing.then(async () => {
      if (this.#log.closed) return;
      const head = this.#log.head;
      if (head.seq <= this.#covered) return;
      try {
        await this.#store.append(signCheckpoint(this.#key, head, (this.#options.now ?? Date.now)()));
        this.#covered = Math.max(this.#covered, head.seq);
      } catch (error) {
        this.#options.onError(error);
      }
    });
    return this.#writing;
  }

  /** Idempotent: the last checkpoint (at a clean stop the whole log is covered), then the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#log.observer.off('append', this.#onAppend);
    await this.checkpoint();
    await this.#store.close();
  }
}

export interface CheckpointFinding {
  kind: Extract<BreakKind, 'emptied' | 'truncated' | 'rolled-back' | 'rewritten'>;
  /** The first seq that differs from or is missing against the checkpoint. */
  seq: number;
  reason: string;
  checkpoint: Checkpoint;
}

/**
 * What is wrong with the log against one trusted checkpoint, if anything: its record must be
 * there with the signed hash. Missing records are told apart by the file itself: none at all
 * (emptied), rows deleted in place (the append-only triggers were dropped: truncated), or an
 * intact file that simply ends earlier (an older copy: rolled back).
 */
export function compareWithCheckpoint(log: AuditLog, checkpoint: Checkpoint): CheckpointFinding | undefined {
  const when = new Date(checkpoint.at).toISOString();
  const stored = log.hashAt(checkpoint.seq);
  if (stored !== undefined) {
    if (stored === checkpoint.hash) return undefined;
    return {
      kind: 'rewritten',
      seq: checkpoint.seq,
      checkpoint,
      reason: `record ${checkpoint.seq} is not the one signed at ${when} (hash ${stored.slice(0, 12)}…, signed ${checkpoint.hash.slice(0, 12)}…): records up to it were changed and the chain recomputed`
    };
  }
  const last = log.head.seq;
  if (last === 0) {
    return { kind: 'emptied', seq: 1, checkpoint, reason: `the log holds no records, but the checkpoint of ${when} covered seq 1…${checkpoint.seq}: every record was deleted` };
  }
  const missing = `seq ${last + 1}${checkpoint.seq > last + 1 ? `…${checkpoint.seq}` : ''}`;
  if (!log.schemaUntouched()) {
    return { kind: 'truncated', seq: last + 1, checkpoint, reason: `${missing} missing at the end (the checkpoint of ${when} covered seq ${checkpoint.seq}) and the append-only triggers were removed: the tail was deleted` };
  }
  return {
    kind: 'rolled-back',
    seq: last + 1,
    checkpoint,
    reason: `the log ends at seq ${last} but the checkpoint of ${when} covered seq ${checkpoint.seq} (${missing} missing) and the file's schema is untouched: it was replaced by an older copy`
  };
}

export interface CheckpointReport {
  /** Checkpoints whose signature holds. */
  trusted: number;
  /** The trusted checkpoint with the highest seq. */
  latest?: Checkpoint;
  /** The last trusted checkpoint the log still matches, before the finding (if any). */
  lastMatching?: Checkpoint;
  /** Lines that are not trustworthy checkpoints (1-based line numbers). */
  untrusted: Array<{ line: number; problem: string }>;
  /** The first checkpoint the log does not match. */
  finding?: CheckpointFinding;
}

/** The whole log against every stored checkpoint, oldest first (audit:verify). */
export function checkAgainstCheckpoints(log: AuditLog, lines: readonly string[], key: AuditKey): CheckpointReport {
  const report: CheckpointReport = { trusted: 0, untrusted: [] };
  lines.forEach((line, i) => {
    const read = readCheckpoint(line, key);
    if ('problem' in read) {
      report.untrusted.push({ line: i + 1, problem: read.problem });
      return;
    }
    const { checkpoint } = read;
    if (report.latest && checkpoint.seq < report.latest.seq) {
      // The hub only ever moves forward: an older checkpoint after a newer one was copied in.
      report.untrusted.push({ line: i + 1, problem: `seq ${checkpoint.seq} after a checkpoint of seq ${report.latest.seq}: replayed out of order` });
      return;
    }
    report.trusted += 1;
    report.latest = checkpoint;
    if (report.finding) return;
    // A record that is there but not as signed; records missing at the end are told against the latest (below).
    const finding = compareWithCheckpoint(log, checkpoint);
    if (finding?.kind === 'rewritten') report.finding = finding;
    else if (!finding) report.lastMatching = checkpoint;
  });
  if (!report.finding && report.latest) report.finding = compareWithCheckpoint(log, report.latest);
  return report;
}
