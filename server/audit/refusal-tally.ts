/**
 * Refused handshakes, counted instead of recorded one by one: anyone who reaches the hub can
 * open sockets with garbage tokens, so a refusal must cost next to nothing. The first refusal
 * from a source address for a reason opens a window of `intervalMs`; when it ends, one
 * `auth.refused` record says how many came (detail: count, firstAt, lastAt). At most `maxSources`
 * windows are open at once; refusals beyond them share one window per reason without an
 * address, so a flood from many addresses stays bounded too.
 */
import type { AuditAction, AuditInput } from './types.ts';

export interface Refusal {
  clientAddress: string;
  /** The wire code the caller was refused with. */
  code: string;
  /** Set when the token was valid and something else refused it (too many sessions). */
  subject?: string;
  agency?: string;
}

export interface RefusalTallyOptions {
  intervalMs: number;
  maxSources: number;
  /** What the records are (default `auth.refused`; LPR reads: `lpr.refused`; alert events: `alert.refused`). */
  action?: Extract<AuditAction, 'auth.refused' | 'lpr.refused' | 'alert.refused'>;
  /** Where the aggregated records go (the hub's audit writer: written with its next group, after the answers). */
  record: (input: AuditInput) => void;
  now?: () => number;
}

interface Window {
  refusal: Refusal;
  count: number;
  firstAt: number;
  lastAt: number;
  timer: NodeJS.Timeout;
}

const OVERFLOW = '\0overflow';

export class RefusalTally {
  readonly #options: RefusalTallyOptions;
  readonly #now: () => number;
  readonly #open = new Map<string, Window>();

  constructor(options: RefusalTallyOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  count(refusal: Refusal): void {
    let key = JSON.stringify([refusal.clientAddress, refusal.code, refusal.subject ?? null, refusal.agency ?? null]);
    let window = this.#open.get(key);
    if (!window && this.#open.size >= this.#options.maxSources) {
      key = `${OVERFLOW}${refusal.code}`;
      window = this.#open.get(key);
      refusal = { clientAddress: '', code: refusal.code };
    }
    const at = this.#now();
    if (window) {
      window.count += 1;
      window.lastAt = at;
      return;
    }
    const timer = setTimeout(() => this.#end(key), this.#options.intervalMs).unref();
    this.#open.set(key, { refusal, count: 1, firstAt: at, lastAt: at, timer });
  }

  /** Ends every open window now, each as its record (at close, before the audit writer's last group). */
  close(): void {
    for (const key of [...this.#open.keys()]) this.#end(key);
  }

  #end(key: string): void {
    const window = this.#open.get(key);
    if (!window) return;
    this.#open.delete(key);
    clearTimeout(window.timer);
    const { refusal, count, firstAt, lastAt } = window;
    this.#options.record({
      at: lastAt,
      action: this.#options.action ?? 'auth.refused',
      outcome: 'refused',
      code: refusal.code,
      ...(refusal.clientAddress ? { clientAddress: refusal.clientAddress } : {}),
      ...(refusal.subject !== undefined ? { subject: refusal.subject } : {}),
      ...(refusal.agency !== undefined ? { agency: refusal.agency } : {}),
      detail: { count, firstAt, lastAt, intervalMs: this.#options.intervalMs, ...(key.startsWith(OVERFLOW) ? { note: 'sources beyond maxSources, counted together' } : {}) }
    });
  }
}
