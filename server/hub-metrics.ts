/**
 * What the hub's media side reports on /metrics. By default nothing that says which cameras are
 * being watched or which processes run them: ingests are counted per state, workers numbered.
 * A deployment that wants per-camera series or worker pids asks for them (config `metrics`).
 */
import { INGEST_STATES } from '../media/camera-stream.ts';
import type { CameraStreams } from '../media/camera-streams.ts';
import type { WorkerPool } from '../media/workers.ts';
import type { HubConfig } from './config.ts';
import type { Metrics } from './metrics.ts';

const PER_STREAM_HELP = 'Ingest state per running camera stream (1 = current state)';
const COUNT_HELP = 'Running camera ingests per state';

/** Keeps the ingest series current from the streams' observer. */
export function reportIngests(metrics: Metrics, streams: CameraStreams, options: HubConfig['metrics']): void {
  const states = new Map<string, string>();
  const count = () => {
    for (const state of INGEST_STATES) {
      let n = 0;
      for (const current of states.values()) if (current === state) n++;
      metrics.set('gth_ingest_streams', COUNT_HELP, { state }, n);
    }
  };
  count();
  streams.observer.on('state', (stream, state) => {
    states.set(stream, state);
    count();
    if (!options.cameraLabels) return;
    for (const s of INGEST_STATES) metrics.set('gth_ingest_state', PER_STREAM_HELP, { stream, state: s }, s === state ? 1 : 0);
  });
  streams.observer.on('stream:open', () => metrics.inc('gth_ingest_starts_total', 'Camera ingests started'));
  streams.observer.on('stream:close', (stream) => {
    states.delete(stream);
    count();
    if (options.cameraLabels) for (const s of INGEST_STATES) metrics.remove('gth_ingest_state', { stream, state: s });
  });
}

/** Worker CPU, read at scrape time; labelled by the worker's index unless pids were asked for. */
export async function reportWorkers(metrics: Metrics, pool: WorkerPool, options: HubConfig['metrics']): Promise<void> {
  const workers = await pool.usage();
  workers.forEach((worker, index) => {
    metrics.set('gth_worker_cpu_ms', 'mediasoup worker CPU time (user+system, ms)', options.workerPids ? { pid: String(worker.pid) } : { worker: String(index) }, worker.cpuMs);
  });
}
