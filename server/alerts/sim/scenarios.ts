/**
 * The alert simulators (development only): a bell pressed, crowd density rising through the
 * levels, water rising in an underpass, a fire confirmed, an SOS walking through a park, an
 * electronic tag out of bounds. Each run sends its events through the front door, signed by
 * the development source, a few seconds apart (`speedFactor` times faster). The one owner of
 * the timers of its runs; close() stops them. Never composed in production, so its route is 404.
 */
import { json, parse } from '../../api.ts';
import type { ApiRoute } from '../../http.ts';
import type { Logger } from '../../log.ts';
import { alertScenarioRequestSchema, type AlarmKind, type AlertEventInput, type AlertScenarioResponse } from '../../protocol/alerts.ts';
import { HubError } from '../../protocol/errors.ts';
import type { WaterSite } from '../config.ts';
import type { DemoAlerts } from '../demo.ts';
import type { AlertEmitter } from './emit.ts';

export interface ScenarioStep {
  /** Seconds after the start (at speed 1). */
  atS: number;
  event: AlertEventInput;
}

export interface ScenarioPlaces {
  places: DemoAlerts['places'];
  waterSite: WaterSite | undefined;
  /** The camera nearest a point (a bell's or an analytics camera). */
  cameraAt: (point: { lat: number; lon: number }) => string | undefined;
}

/** The events of one run of `kind`; `runId` makes its sourceEventId new, `t0` is its start (ms since epoch). */
export function scenarioSteps(kind: AlarmKind, where: ScenarioPlaces, runId: string, t0: number): ScenarioStep[] {
  const sourceEventId = `sim-${kind}-${runId}`;
  const [place] = where.places[kind];
  const cameraId = place && where.cameraAt(place);
  const camera = cameraId ? { cameraId } : {};
  const step = (atS: number, phase: 'new' | 'update', body: Record<string, unknown>): ScenarioStep => ({ atS, event: { sourceEventId, phase, at: t0 + atS * 1000, kind, ...body } as AlertEventInput });
  switch (kind) {
    case 'bell':
      return [step(0, 'new', { bellId: `bell-${runId}`, position: place, ...camera })];
    case 'crowd':
      return [3.2, 4.3, 5.4].map((density, i) => step(i * 5, i === 0 ? 'new' : 'update', { density, areaName: '시뮬레이션 밀집 구역', position: place, ...camera }));
    case 'water': {
      const site = where.waterSite;
      if (!site) throw new HubError('NOT_FOUND', '지하차도 지점이 설정되지 않았습니다 (no alerts.waterSites configured)');
      const t = site.thresholdsCm;
      return [t.주의 + 2, t.경계 + 2, t.심각 + 3].map((levelCm, i) => step(i * 5, i === 0 ? 'new' : 'update', { siteId: site.id, levelCm, ...camera }));
    }
    case 'fire':
      return [
        step(0, 'new', { detected: 'smoke', confidence: 0.55, position: place, ...camera }),
        step(5, 'update', { detected: 'fire', confidence: 0.9, position: place, ...camera })
      ];
    case 'sos':
      return where.places.sos.map((fix, i) =>
        step(i * 3, i === 0 ? 'new' : 'update', {
          category: '치매',
          ...(i === 0 ? { description: '80대 남성, 회색 점퍼, 지팡이 (시뮬레이션)', guardianContact: '010-0000-0000 (보호자, 시뮬레이션)' } : {}),
          fixes: [{ ...fix, at: t0 + i * 3000, accuracyM: 15 }]
        })
      );
    case 'tag':
      return where.places.tag.map((fix, i) =>
        step(i * 3, i === 0 ? 'new' : 'update', { tagId: `tag-${runId}`, ...(i === 0 ? { violation: '접근금지 구역 진입 (시뮬레이션)' } : {}), fixes: [{ ...fix, at: t0 + i * 3000 }] })
      );
  }
}

export interface AlertScenariosDeps {
  where: ScenarioPlaces;
  /** Made once the hub listens (the events come in the front door). */
  emitter: () => AlertEmitter;
  log: Logger;
}

export class AlertScenarios {
  readonly #deps: AlertScenariosDeps;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(deps: AlertScenariosDeps) {
    this.#deps = deps;
  }

  /** Sends the first event now (its answer names the alarm) and the rest on their schedule. */
  async start(kind: AlarmKind, speedFactor = 1): Promise<AlertScenarioResponse> {
    if (this.#closed) throw new HubError('SHUTTING_DOWN', '허브가 종료 중입니다 (hub shutting down)');
    const steps = scenarioSteps(kind, this.#deps.where, Date.now().toString(36), Date.now());
    const [first, ...rest] = steps;
    const emitter = this.#deps.emitter();
    const answer = await emitter.send(first!.event);
    if (!answer.ok) throw new HubError(answer.error.code, answer.error.message);
    for (const { atS, event } of rest) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        emitter.send(event).then(
          (sent) => this.#deps.log.info('alert scenario event', { kind, phase: event.phase, ...(sent.ok ? { result: sent.answer.result } : { code: sent.error.code }) }),
          (error: unknown) => this.#deps.log.warn('alert scenario event not sent', { kind, error: error instanceof Error ? error.message : String(error) })
        );
      }, (atS * 1000) / speedFactor);
      this.#timers.add(timer);
    }
    this.#deps.log.info('alert scenario started', { kind, alarmId: answer.answer.alarmId, steps: steps.length });
    return { kind, sourceEventId: first!.event.sourceEventId, alarmId: answer.answer.alarmId, steps: steps.length, durationS: (steps.at(-1)!.atS) / speedFactor };
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** `POST /api/dev/alert-scenario {kind, speedFactor?}` (development only). */
export function alertScenarioRoutes(scenarios: AlertScenarios): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: /^\/api\/dev\/alert-scenario$/,
      handle: async ({ body }) => {
        const { kind, speedFactor } = parse(alertScenarioRequestSchema, body ?? {});
        return json(200, await scenarios.start(kind, speedFactor));
      }
    }
  ];
}
