/**
 * Sending events as a source does: one signed POST to `/api/alerts/events`, and a paced load
 * (N events per second for a while) for the bench and the tests. A source reuses its token for
 * a minute, as a real one would (the hub keeps verified tokens until they expire).
 */
import type { AlertEventInput, AlertIngestResponse } from '../../protocol/alerts.ts';
import type { WireError } from '../../protocol/errors.ts';
import type { AlertSigner } from './dev-source.ts';

export type EmitAnswer = { status: number; ok: true; answer: AlertIngestResponse } | { status: number; ok: false; error: WireError };

/** Long enough to spare a signature per event, well inside the token's 120 s. */
const TOKEN_REUSE_MS = 60_000;

export class AlertEmitter {
  readonly #hubUrl: string;
  readonly #signer: AlertSigner;
  #token: { value: Promise<string>; until: number } | undefined;

  constructor(hubUrl: string, signer: AlertSigner) {
    this.#hubUrl = hubUrl;
    this.#signer = signer;
  }

  async send(event: AlertEventInput): Promise<EmitAnswer> {
    const response = await fetch(`${this.#hubUrl}/api/alerts/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await this.#bearer()}`, 'content-type': 'application/json' },
      body: JSON.stringify(event)
    });
    const body = (await response.json()) as AlertIngestResponse | { error: WireError };
    return 'error' in body ? { status: response.status, ok: false, error: body.error } : { status: response.status, ok: true, answer: body };
  }

  #bearer(): Promise<string> {
    const now = Date.now();
    if (!this.#token || this.#token.until <= now) this.#token = { value: this.#signer.sign(), until: now + TOKEN_REUSE_MS };
    return this.#token.value;
  }
}

export interface LoadOptions {
  perSecond: number;
  durationS: number;
  /** The i-th event (0-based). */
  event: (i: number) => AlertEventInput;
  /** Each answer as it comes, with when its event was sent (ms since epoch) and its round trip. */
  onAnswer?: (i: number, answer: EmitAnswer, sentAt: number, roundTripMs: number) => void;
  signal?: AbortSignal;
}

export interface LoadResult {
  sent: number;
  /** Answers by outcome: `raised`, `updated`, … or the refusal's code (`RATE_LIMITED`, `ERROR` for a failed request). */
  outcomes: Record<string, number>;
  roundTripsMs: number[];
  elapsedMs: number;
}

/** Sends `perSecond × durationS` events on a fixed schedule (events due at once go together), and waits for every answer. */
export async function emitLoad(emitter: AlertEmitter, options: LoadOptions): Promise<LoadResult> {
  const total = Math.round(options.perSecond * options.durationS);
  const outcomes: Record<string, number> = {};
  const roundTripsMs: number[] = [];
  const pending: Array<Promise<void>> = [];
  const started = performance.now();
  const count = (key: string) => (outcomes[key] = (outcomes[key] ?? 0) + 1);
  let sent = 0;
  while (sent < total && !options.signal?.aborted) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.perSecond) + 1);
    for (; sent < due; sent++) {
      const i = sent;
      const sentAt = Date.now();
      const t0 = performance.now();
      pending.push(
        emitter.send(options.event(i)).then(
          (answer) => {
            const ms = performance.now() - t0;
            roundTripsMs.push(ms);
            count(answer.ok ? answer.answer.result : answer.error.code);
            options.onAnswer?.(i, answer, sentAt, ms);
          },
          () => void count('ERROR')
        )
      );
    }
    const next = started + (sent / options.perSecond) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  await Promise.all(pending);
  return { sent, outcomes, roundTripsMs, elapsedMs: performance.now() - started };
}
