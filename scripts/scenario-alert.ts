/**
 * `npm run scenario:alert -- <bell|crowd|water|fire|sos|tag> [--speed 4]`: against a running
 * development hub (`npm start`; the URL from GTH_URL, default http://127.0.0.1:8080), runs one
 * alert simulator — a bell pressed in 강남구, crowd density rising 3→4→5 at 홍대입구, water rising
 * in an underpass, a fire confirmed, an SOS walking 경의선숲길, an electronic tag out of bounds
 * (Gwangju: the same in its 구) — and prints the alarm as the first routed agency sees it.
 */
import { ALERT_SCENARIOS, type AlarmChangedEvent, type AlertScenarioResponse } from '../server/protocol/alerts.ts';
import { connectClient } from '../tests/support/client.ts';
import { call, hub } from './dev-hub.ts';

const kind = process.argv[2] as (typeof ALERT_SCENARIOS)[number] | undefined;
const speedArg = process.argv.indexOf('--speed');
const speedFactor = speedArg > 0 ? Number(process.argv[speedArg + 1]) : 1;
/** Who watches each run's alarm here: an agency it is routed to in both demo cities' first 구. */
const WATCHER: Record<(typeof ALERT_SCENARIOS)[number], { seoul: string; gwangju: string }> = {
  bell: { seoul: 'seoul-112', gwangju: 'gwangju-112' },
  crowd: { seoul: 'seoul-disaster', gwangju: 'gwangju-disaster' },
  water: { seoul: 'seoul-disaster', gwangju: 'gwangju-disaster' },
  fire: { seoul: 'seoul-119', gwangju: 'gwangju-119' },
  sos: { seoul: 'seoul-welfare', gwangju: 'gwangju-112' },
  tag: { seoul: 'seoul-112', gwangju: 'gwangju-112' }
};

function line({ change, alarm }: AlarmChangedEvent): string {
  const detail = alarm.detail;
  const measure =
    detail.kind === 'crowd' ? `${detail.density} 명/m²` : detail.kind === 'water' ? `${detail.levelCm} cm (${detail.siteName})` : detail.kind === 'fire' ? `${detail.detected} ${detail.confidence}` : detail.kind === 'sos' || detail.kind === 'tag' ? `fixes ${detail.track.length}` : detail.bellId;
  return [
    new Date().toISOString().slice(11, 19),
    `${change} ${alarm.kind} ${alarm.level} ${alarm.status}`,
    `${alarm.district.name} ${alarm.location.lat.toFixed(5)},${alarm.location.lon.toFixed(5)} · ${measure}`,
    `to ${alarm.recipients.map((r) => `${r.agencyName} (P${r.priority})`).join(', ')}`,
    `cameras ${alarm.cameras.join(', ')}`
  ].join(' | ');
}

async function main(): Promise<void> {
  if (!kind || !(ALERT_SCENARIOS as readonly string[]).includes(kind)) throw new Error(`usage: npm run scenario:alert -- <${ALERT_SCENARIOS.join('|')}> [--speed 4]`);
  const { demoCity } = (await call<{ region: { demoCity: 'seoul' | 'gwangju' | null } }>('/healthz', undefined)).region;
  const agency = WATCHER[kind][demoCity ?? 'seoul'];
  const { token } = await call<{ token: string }>('/api/dev/token', undefined, { agency });
  const socket = await connectClient(hub, token);
  let alarmId: string | undefined;
  const early: AlarmChangedEvent[] = [];
  socket.on('alarm:changed', (event) => (alarmId === undefined ? early.push(event) : event.alarm.id === alarmId && console.log(line(event))));
  const run = await call<AlertScenarioResponse>('/api/dev/alert-scenario', token, { kind, speedFactor });
  alarmId = run.alarmId;
  console.log(`scenario ${kind}: alarm ${run.alarmId}, ${run.steps} event(s) over ${run.durationS} s; watching as ${agency}`);
  for (const event of early) if (event.alarm.id === alarmId) console.log(line(event));
  await new Promise((resolve) => setTimeout(resolve, run.durationS * 1000 + 1500));
  console.log('the alarm stays open until an operator closes it on the page');
  socket.disconnect();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
