/**
 * `npm run scenario:pursuit [-- --speed 4]`: against a running development hub (`npm start`; the
 * URL from GTH_URL, default http://127.0.0.1:8080), starts the pursuit scenario — a simulated
 * vehicle with a freshly watchlisted plate drives from 강남구 (near 신사역) into 서초구, its LPR hits
 * anchor a pursuit for 강남경찰서 — and prints the pursuit as it moves: each sighting, the corridor
 * grant's cameras by 구, and the next cameras with their windows. Sign in as 강남경찰서 on the
 * board to follow it there, and as 서초구 CCTV통합관제센터 on /grants to see the notice.
 */
import type { Pursuit, PursuitResponse, PursuitScenarioState } from '../server/protocol/pursuit.ts';
import { call } from './dev-hub.ts';

const speedArg = process.argv.indexOf('--speed');
const speedFactor = speedArg > 0 ? Number(process.argv[speedArg + 1]) : 1;
const POLL_MS = 1000;

function line(pursuit: Pursuit): string {
  const last = pursuit.track.at(-1);
  const byDistrict = new Map<string, number>();
  for (const id of pursuit.grant?.cameraIds ?? []) {
    const district = pursuit.prediction?.cameras.find((c) => c.cameraId === id)?.district.name ?? (id === last?.cameraId ? last.district.name : '?');
    byDistrict.set(district, (byDistrict.get(district) ?? 0) + 1);
  }
  const next = (pursuit.prediction?.cameras ?? []).slice(0, 3).map((c) => `${c.name} (${c.district.name}) ${Math.round(c.etaMinS)}–${Math.round(c.etaMaxS)}초`);
  return [
    `${new Date().toISOString().slice(11, 19)}`,
    `track ${pursuit.track.length}${last ? ` · last ${last.cameraName} (${last.district.name}, ${last.source})` : ''}`,
    `grant ${[...byDistrict].map(([d, n]) => `${d} ${n}`).join(', ') || '—'}`,
    `next ${next.join(' · ') || '—'}`
  ].join(' | ');
}

async function main(): Promise<void> {
  const { token } = await call<{ token: string }>('/api/dev/token', undefined, { agency: 'gangnam-police' });
  let state = await call<PursuitScenarioState>('/api/dev/pursuit-scenario', token, { speedFactor });
  const passes = state.passes ?? [];
  const inGangnam = passes.filter((p) => p.district === '11680').length;
  console.log(`scenario: plate ${state.plate}, ≈${Math.round(state.etaS ?? 0)} s at ×${speedFactor}, ${passes.length} plate-reading cameras on the way (${inGangnam} in 강남구)`);
  let printed = '';
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    state = await call<PursuitScenarioState>('/api/dev/pursuit-scenario', token);
    if (state.pursuitId) {
      const { pursuit } = await call<PursuitResponse>(`/api/pursuits/${state.pursuitId}`, token);
      const text = line(pursuit);
      // Only what changed (the clock aside).
      if (text.slice(9) !== printed) console.log(text);
      printed = text.slice(9);
    }
    if (!state.running) break;
  }
  console.log(state.pursuitId ? `the vehicle arrived; pursuit ${state.pursuitId} stays open until closed on the board` : 'the vehicle arrived without a hit (no plate-reading camera on its way)');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
