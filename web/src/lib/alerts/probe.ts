/**
 * `window.__gthAlarms`: what end-to-end tests read on the incident board — what the map draws
 * of the alarm shown. Installed by the page inside an `$effect`; returns the removal.
 */
import type { AlarmBoard } from './alarm-board.svelte.ts';

export interface AlarmProbe {
  drawn(): { alarm: number; fixes: number };
}

type ProbeWindow = Window & { __gthAlarms?: AlarmProbe };

export function installAlarmProbe(alarms: AlarmBoard): () => void {
  const probe: AlarmProbe = { drawn: () => alarms.drawn() };
  const target = window as ProbeWindow;
  target.__gthAlarms = probe;
  return () => {
    if (target.__gthAlarms === probe) delete target.__gthAlarms;
  };
}
