/**
 * `POST /api/alerts/events`: the front door for alert sources. Verifies the source's token,
 * parses the body, checks the kind against the source's binding and its rate, then hands the
 * event to the alarms (which check the place). A refusal is a typed error and stores nothing;
 * refusals are counted per source, address and code (`alert.refused`), never recorded one by one.
 */
import { parse } from '../api.ts';
import type { RefusalTally } from '../audit/refusal-tally.ts';
import type { AuditInput } from '../audit/types.ts';
import { TokenBuckets, type Rate } from '../budget.ts';
import { alertEventSchema, type AlertIngestResponse } from '../protocol/alerts.ts';
import { HubError } from '../protocol/errors.ts';
import type { Alarms, AlertSource } from './alarms.ts';

export interface AlertIntakeDeps {
  verify: (bearer: string | undefined) => Promise<AlertSource>;
  alarms: Pick<Alarms, 'apply'>;
  /** Events per second per source. */
  rate: Rate;
  refusals: Pick<RefusalTally, 'count'>;
  record: (input: AuditInput) => void;
  now?: () => number;
}

export class AlertIntake {
  readonly #deps: AlertIntakeDeps;
  readonly #buckets: TokenBuckets;

  constructor(deps: AlertIntakeDeps) {
    this.#deps = deps;
    this.#buckets = new TokenBuckets(deps.rate, deps.now ?? Date.now);
  }

  async ingest(bearer: string | undefined, body: () => Promise<unknown>, clientAddress: string): Promise<AlertIngestResponse> {
    let source: AlertSource | undefined;
    try {
      source = await this.#deps.verify(bearer);
      const event = parse(alertEventSchema, await body());
      if (!source.kinds.has(event.kind)) {
        throw new HubError('EVENT_KIND_NOT_ALLOWED', `${source.name}은(는) '${event.kind}' 사건을 보고할 수 없습니다 (${source.name} may not report ${event.kind} events)`);
      }
      if (!this.#buckets.take(source.name, 1)) throw new HubError('RATE_LIMITED', `사건이 너무 많습니다 (too many events from ${source.name})`);
      const answer = this.#deps.alarms.apply(source, event);
      this.#deps.record({
        action: 'alert.received',
        outcome: 'info',
        subject: source.name,
        clientAddress,
        detail: { alarmId: answer.alarmId, result: answer.result, sourceEventId: event.sourceEventId, kind: event.kind, phase: event.phase }
      });
      return answer;
    } catch (error) {
      this.#deps.refusals.count({ clientAddress, code: error instanceof HubError ? error.code : 'INTERNAL', ...(source ? { subject: source.name } : {}) });
      throw error;
    }
  }
}
