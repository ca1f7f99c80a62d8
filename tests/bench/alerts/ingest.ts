/**
 * `bench:alerts`, section "sustained ingestion": signed events POSTed to `/api/alerts/events` at
 * a steady rate (100/s for 60 s; smoke 100/s for 3 s) by the development alert source, to a hub
 * that runs as `npm start` runs it (a process of its own; a 5,000-camera synthetic Seoul registry
 * on one simulated feed: no video is watched here). The mix (event-mix.ts) has every kind, new /
 * update / end, and retries of the same sourceEventId racing their original.
 *
 * Counted against what was sent, three ways:
 * - the answers: every event 2xx, every `new` and its retry naming one alarm;
 * - the store: every recipient agency's `alarms:list` (all states), merged: each alarm the mix
 *   raised is there exactly once (none lost, none doubled);
 * - the pushes: a Socket.IO session per demo agency counts `alarm:changed` per alarm; each
 *   recipient the store names heard of it (raised, or the update whose level added it), and
 *   none heard it raised twice.
 * Also request p50/p95 from the client, the hub's event-loop delay over the run (its own metric,
 * scraped before and after) and its CPU per event (its own process, from /proc: steady however
 * busy the machine is). Aims (issue 13): zero lost, zero duplicated; loop ≤ 20 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertEmitter, emitLoad, type EmitAnswer } from '../../../server/alerts/sim/emit.ts';
import type { AlarmView, AlertEventInput, AlertIngestResponse } from '../../../server/protocol/alerts.ts';
import { connectClient, request, type HubClient } from '../../support/client.ts';
import { treeCpuMs } from '../../support/cpu.ts';
import { startHubProcess, type HubProcess } from '../../support/hub-process.ts';
import type { BenchSection } from '../section.ts';
import { summary } from '../stats.ts';
import { openBenchSource, SEOUL_AGENCIES } from './hub-setup.ts';
import { eventMix, stamp } from './event-mix.ts';
import { cameraPlaces, evenlyThrough } from './places.ts';

const RATE = 100;
/** Places events happen at: registry cameras spread over the city. */
const PLACES = 300;
/** How long pushes may trail the last answer before a missing one counts as lost. */
const SETTLE_MS = 5_000;
/** `alarms:list` answers at most this many per agency (server/protocol/alerts.ts). */
const LIST_LIMIT = 500;

interface Answer {
  result: AlertIngestResponse['result'] | null;
  alarmId: string | null;
}

const answerOf = (emitted: EmitAnswer | undefined): Answer => (emitted?.ok ? { result: emitted.answer.result, alarmId: emitted.answer.alarmId } : { result: null, alarmId: null });

export async function measureIngest(options: { smoke: boolean }): Promise<BenchSection> {
  const seconds = options.smoke ? 3 : 60;
  const dataDir = mkdtempSync(join(tmpdir(), 'gth-bench-alerts-ingest-'));
  const sockets: HubClient[] = [];
  let hub: HubProcess | undefined;
  try {
    const source = await openBenchSource(dataDir);
    hub = await startHubProcess({ env: { GTH_DATA_DIR: dataDir, GTH_SIM_CAMERAS: '1', GTH_REGISTRY_SYNTHETIC: '5000', GTH_WORKERS: '1' } });
    const places = evenlyThrough(await cameraPlaces(hub, 'seoul-112'), PLACES);
    process.stderr.write(`[bench] alerts ingestion: ${places.length} places; a session per agency\n`);

    // A session per agency (joined: an unjoined one is closed after a while), counting the pushes per alarm.
    const pushes = new Map<string, Map<string, { raised: number; any: number }>>();
    for (const agency of SEOUL_AGENCIES) {
      const seen = new Map<string, { raised: number; any: number }>();
      pushes.set(agency, seen);
      const socket = await connectClient(hub.url, await hub.token(agency), (socket) =>
        socket.on('alarm:changed', ({ change, alarm }) => {
          const counts = seen.get(alarm.id) ?? { raised: 0, any: 0 };
          seen.set(alarm.id, { raised: counts.raised + (change === 'raised' ? 1 : 0), any: counts.any + 1 });
        })
      );
      sockets.push(socket);
      const joined = await request(socket, 'media:join', {});
      if (!joined.ok) throw new Error(`media:join as ${agency}: ${joined.error.code}`);
    }

    const mix = eventMix({ count: RATE * seconds, places, waterSites: source.waterSites });
    const emitter = new AlertEmitter(hub.url, source.signer);
    // Events are stamped as they are sent; a retry resends its original as it was.
    const load = (events: ReadonlyArray<{ body: AlertEventInput; retry: boolean }>, onAnswer?: (i: number, answer: EmitAnswer) => void) => {
      let stamped: AlertEventInput | undefined;
      const event = (i: number) => (events[i]!.retry && stamped ? stamped : (stamped = stamp(events[i]!.body)));
      return emitLoad(emitter, { perSecond: RATE, durationS: events.length / RATE, event, ...(onAnswer ? { onAnswer } : {}) });
    };

    // Not reported: the hub's code paths compile on the first requests.
    process.stderr.write('[bench] alerts ingestion: warm-up\n');
    await load(eventMix({ count: 50, places, waterSites: source.waterSites, prefix: 'warm', seed: 7 }).events);

    process.stderr.write(`[bench] alerts ingestion: ${mix.events.length} events at ${RATE}/s\n`);
    await hub.metrics(); // starts the hub's loop-delay window
    const hubCpu = () => treeCpuMs(hub!.pid, (pid) => pid === hub!.pid);
    const cpuBefore = hubCpu();
    const emitted = new Array<EmitAnswer | undefined>(mix.events.length);
    const run = await load(mix.events, (i, answer) => (emitted[i] = answer));
    const cpuMs = hubCpu() - cpuBefore;
    const metrics = await hub.metrics();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const elapsedS = run.elapsedMs / 1000;
    const answers = Array.from(emitted, answerOf);

    // The answers: accepted, and one alarm per sourceEventId.
    const accepted = emitted.filter((a) => a?.ok).length;
    const refused = Object.fromEntries(Object.entries(run.outcomes).filter(([outcome]) => !['raised', 'updated', 'ended', 'duplicate', 'closed'].includes(outcome)));
    const answeredIds = new Map<string, Set<string>>();
    mix.events.forEach(({ body }, i) => {
      const { alarmId } = answers[i]!;
      if (alarmId) answeredIds.set(body.sourceEventId, (answeredIds.get(body.sourceEventId) ?? new Set()).add(alarmId));
    });
    // A retry races its original (the event before it): both name the same alarm.
    const retries = mix.events.flatMap((e, i) => (e.retry ? [[answers[i - 1]!, answers[i]!] as const] : []));
    const retriesKeptToOne = retries.filter(([a, b]) => a.alarmId !== null && a.alarmId === b.alarmId).length;
    const raisedAnswers = answers.filter((a) => a.result === 'raised').length;

    // The store, as each agency lists it.
    const mixAlarms = new Set(mix.alarms);
    const stored = new Map<string, AlarmView>();
    const listCut: string[] = [];
    for (const [i, agency] of SEOUL_AGENCIES.entries()) {
      const listed = await request(sockets[i]!, 'alarms:list', { status: 'all', limit: LIST_LIMIT });
      if (!listed.ok) throw new Error(`alarms:list as ${agency}: ${listed.error.code}`);
      if (listed.data.alarms.length >= LIST_LIMIT) listCut.push(agency);
      for (const alarm of listed.data.alarms) if (alarm.source.name === source.signer.source && mixAlarms.has(alarm.source.eventId)) stored.set(alarm.id, alarm);
    }
    const bySourceEvent = new Map<string, string[]>();
    for (const alarm of stored.values()) bySourceEvent.set(alarm.source.eventId, [...(bySourceEvent.get(alarm.source.eventId) ?? []), alarm.id]);
    const lost = mix.alarms.filter((id) => !bySourceEvent.has(id)).length;
    const duplicated = [...bySourceEvent.values()].reduce((n, ids) => n + ids.length - 1, 0);
    const answersNamingTwoAlarms = [...answeredIds.values()].filter((ids) => ids.size > 1).length;

    // The pushes: each recipient of each stored alarm heard of it (raised, or a rising level that added it), and of its raising at most once.
    let pushesMissing = 0;
    let pushesDoubled = 0;
    for (const alarm of stored.values()) {
      for (const recipient of alarm.recipients) {
        const got = pushes.get(recipient.agency)?.get(alarm.id);
        if (!got) pushesMissing++;
        else if (got.raised > 1) pushesDoubled += got.raised - 1;
      }
    }

    const times = summary(run.roundTripsMs, 1);
    const result = {
      offeredPerS: RATE,
      seconds: Math.round(elapsedS * 10) / 10,
      events: mix.events.length,
      byKind: mix.byKind,
      accepted,
      acceptedPerS: Math.round(accepted / elapsedS),
      outcomes: run.outcomes,
      refused,
      retries: retries.length,
      retriesKeptToOne,
      raisedAnswers,
      answersNamingTwoAlarms,
      alarmsRaised: mix.alarms.length,
      alarmsStored: stored.size,
      lost,
      duplicated,
      listCutAt500: listCut,
      pushesMissing,
      pushesDoubled,
      requestMs: times,
      loopDelayP99Ms: metrics.get('gth_event_loop_delay_ms{quantile="0.99"}') ?? Number.NaN,
      loopDelayMaxMs: metrics.get('gth_event_loop_delay_ms{quantile="max"}') ?? Number.NaN,
      hubCpuMsPerEvent: accepted > 0 ? Math.round((cpuMs / accepted) * 1000) / 1000 : null
    };
    return {
      name: 'ingest',
      rows: [
        [
          `events, ${RATE}/s offered for ${seconds} s (${result.events}: every kind, new/update/end, ${result.retries} retries)`,
          `${result.acceptedPerS}/s accepted, ${result.events - accepted} refused ${JSON.stringify(result.refused)}; request p50 ${times.p50} / p95 ${times.p95} ms`
        ],
        [
          'alarms raised → stored once each (aim: 0 lost, 0 duplicated)',
          `${result.alarmsRaised} raised (${raisedAnswers} answered raised), ${result.alarmsStored} stored: ${lost} lost, ${duplicated} duplicated; retries kept to one alarm ${retriesKeptToOne}/${retries.length}${listCut.length ? `; LIST CUT at ${LIST_LIMIT} for ${listCut.join(', ')}: counts incomplete` : ''}`
        ],
        ['alarm:changed → each recipient agency (raised once)', `${pushesMissing} missing, ${pushesDoubled} raised twice`],
        ['hub during ingestion (aim: loop ≤ 20 ms)', `event-loop delay p99 ${result.loopDelayP99Ms} / max ${result.loopDelayMaxMs} ms; CPU ${result.hubCpuMsPerEvent} ms/event`]
      ],
      result
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await hub?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
