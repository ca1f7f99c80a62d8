/**
 * The sustained ingestion's events: a deterministic mix of every kind, each alarm a script of
 * events as its source would send them — a `new`, a run of updates (crowd density rising and
 * falling through the levels, water rising, a fire's confidence, an SOS or a tag's location
 * fixes walking on), then an `end` — with a share of `new`s sent twice at once (a source's retry
 * racing its original: the same sourceEventId, which must stay one alarm). Scripts run side by
 * side, taken in turn, so one alarm's successive events are about `active / rate` seconds apart
 * and only a deliberate retry races its original.
 */
import { seededRandom } from '../../../server/geo/random.ts';
import type { AlertEventInput, AlarmKind, Fix } from '../../../server/protocol/alerts.ts';
import type { Place } from './places.ts';

export interface MixOptions {
  /** Events to send in all (retries included). */
  count: number;
  /** Cameras the sources may report (within their binding), spread over the region. */
  places: readonly Place[];
  /** Underpass sites of the hub's `alerts.waterSites` (none: no water events). */
  waterSites: readonly string[];
  /** Alarms under way at once (default 40). */
  active?: number;
  /** Share of `new`s retried (default 0.2). */
  retryShare?: number;
  /** Starts every sourceEventId (default `bench`): mixes sent to one hub need their own. */
  prefix?: string;
  seed?: number;
}

export interface PlannedEvent {
  body: AlertEventInput;
  /** A resend of the event before it (same body). */
  retry: boolean;
}

export interface EventMix {
  events: PlannedEvent[];
  /** sourceEventId of every alarm the mix raises (one per script). */
  alarms: string[];
  /** Events per kind, retries included. */
  byKind: Record<AlarmKind, number>;
}

/** Updates per script: most of a real feed is updates (density every few seconds, a fix every few seconds). */
const UPDATES: Readonly<Record<AlarmKind, number>> = { crowd: 10, water: 10, fire: 4, bell: 0, sos: 25, tag: 12 };
/** Crowd density (people/m²) over a script: from 경계 up to 심각 and down again; never below 경계 (below it no one is alerted). */
const CROWD_DENSITY = [4.1, 4.3, 4.6, 4.9, 5.2, 5.6, 5.9, 5.4, 5.0, 4.7, 4.4];
/** A walker's step between fixes, degrees (≈ 15 m). */
const STEP_DEG = 0.00014;

export function eventMix(options: MixOptions): EventMix {
  const random = seededRandom(options.seed ?? 13);
  const kinds = (['crowd', 'fire', 'bell', 'sos', 'tag', ...(options.waterSites.length > 0 ? ['water' as const] : [])] as const).slice();
  const active: Array<Iterator<AlertEventInput>> = [];
  const events: PlannedEvent[] = [];
  const alarms: string[] = [];
  const byKind = Object.fromEntries(['crowd', 'water', 'fire', 'bell', 'sos', 'tag'].map((k) => [k, 0])) as Record<AlarmKind, number>;
  let started = 0;
  const start = () => {
    const kind = kinds[started % kinds.length]!;
    const place = options.places[Math.floor(random() * options.places.length)]!;
    const id = `${options.prefix ?? 'bench'}-${kind}-${++started}`;
    alarms.push(id);
    return script(kind, id, place, options.waterSites[started % Math.max(1, options.waterSites.length)] ?? '', random);
  };
  for (let i = 0; i < (options.active ?? 40); i++) active.push(start());
  let turn = 0;
  while (events.length < options.count) {
    const at = turn++ % active.length;
    const next = active[at]!.next();
    if (next.done) {
      active[at] = start();
      continue;
    }
    const body = next.value;
    byKind[body.kind]++;
    events.push({ body, retry: false });
    if (body.phase === 'new' && random() < (options.retryShare ?? 0.2) && events.length < options.count) {
      byKind[body.kind]++;
      events.push({ body, retry: true });
    }
  }
  // Alarms whose `new` did not fit in the count raise nothing.
  const raised = new Set(events.filter((e) => e.body.phase === 'new').map((e) => e.body.sourceEventId));
  return { events, alarms: alarms.filter((id) => raised.has(id)), byKind };
}

/** One alarm's events (their times are set again when sent: `stamp`). */
function* script(kind: AlarmKind, sourceEventId: string, place: Place, siteId: string, random: () => number): Generator<AlertEventInput> {
  // A walker: each fix a step on from the one before, in any direction.
  const walker = { lat: place.lat, lon: place.lon };
  const fix = (): Fix => {
    walker.lat += STEP_DEG * (random() * 2 - 1);
    walker.lon += STEP_DEG * (random() * 2 - 1);
    return { ...walker, at: Date.now(), accuracyM: 10 };
  };
  const updates = UPDATES[kind];
  for (let i = 0; i <= updates; i++) {
    const phase = i === 0 ? ('new' as const) : ('update' as const);
    const base = { sourceEventId, phase, at: Date.now() };
    switch (kind) {
      case 'crowd':
        yield { ...base, kind, cameraId: place.id, density: CROWD_DENSITY[i % CROWD_DENSITY.length]! };
        break;
      case 'water':
        yield { ...base, kind, siteId, levelCm: 10 + i * 8 };
        break;
      case 'fire':
        yield { ...base, kind, cameraId: place.id, detected: i === 0 ? 'smoke' : 'fire', confidence: Math.min(0.99, 0.7 + i * 0.06) };
        break;
      case 'bell':
        yield { ...base, kind, cameraId: place.id, bellId: `bell-${place.id}`, position: { lat: place.lat, lon: place.lon } };
        break;
      case 'sos':
        yield { ...base, kind, category: (['아동', '치매', '장애'] as const)[i % 3]!, ...(i === 0 ? { description: 'bench: 보호자 신고' } : {}), fixes: [fix()] };
        break;
      case 'tag':
        yield { ...base, kind, tagId: `tag-${sourceEventId}`, fixes: [fix()] };
        break;
    }
  }
  yield { sourceEventId, phase: 'end', kind, at: Date.now() };
}

/** The event as sent now: observed now, its fixes taken now (a retry resends its original's stamp). */
export function stamp(body: AlertEventInput, now = Date.now()): AlertEventInput {
  if (body.phase !== 'end' && (body.kind === 'sos' || body.kind === 'tag')) return { ...body, at: now, fixes: body.fixes.map((f) => ({ ...f, at: now })) };
  return { ...body, at: now };
}
