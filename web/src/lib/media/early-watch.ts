/**
 * Watches sent before the session's join is answered. A hub's router capabilities are fixed by
 * its configuration, and the hub names them (`routerCapabilitiesId`): with the ones an earlier
 * session of this browser kept (device.ts), the Device loads while the socket connects, and the
 * wall's cameras are watched right behind `media:join` and `transport:create` instead of a round
 * trip and a Device load later. A hub whose capabilities changed refuses them
 * (CAPABILITIES_STALE); the session then loads the join's, and its tiles watch anew.
 *
 * The hub's pushes for these cameras can come before the session's MediaSession exists: they are
 * recorded here, in order, until it takes them.
 */
import type { types as mc } from 'mediasoup-client';
import type { WatchResponse } from '$protocol/events.ts';
import type { HubClient, PushPayload, RequestPayload } from '$lib/signaling/client.ts';
import { keptRouter, loadDevice } from './device.ts';

type MediaPushName = 'camera:consumer' | 'camera:state' | 'consumer:closed';
const MEDIA_PUSHES: readonly MediaPushName[] = ['camera:consumer', 'camera:state', 'consumer:closed'];

/** A hub push about one camera's picture. */
export type MediaPush = { [E in MediaPushName]: { event: E; payload: PushPayload<E> } }[MediaPushName];

export interface SentWatch {
  answer: Promise<WatchResponse>;
  /** `performance.now()` when it was sent. */
  sentAt: number;
}

export interface EarlyWatches {
  readonly routerCapabilitiesId: string;
  readonly device: mc.Device;
  readonly sent: ReadonlyMap<string, SentWatch>;
  /** The pushes for these cameras so far, oldest first; recording stops. */
  takePushes(): MediaPush[];
}

export interface PreparedDevice {
  routerCapabilitiesId: string;
  device: mc.Device;
}

/** A Device loaded from the kept router capabilities, or null when none are kept (or they do not load). */
export async function prepareDevice(): Promise<PreparedDevice | null> {
  const kept = keptRouter();
  if (!kept) return null;
  try {
    return { routerCapabilitiesId: kept.id, device: await loadDevice(kept.capabilities) };
  } catch {
    return null;
  }
}

/**
 * Watches `cameraIds` now with `prepared`'s device. Call right after `joinAndCreate` on the same
 * connected client: the hub handles a socket's requests in the order sent.
 */
export function sendEarlyWatches(client: HubClient, prepared: PreparedDevice, cameraIds: readonly string[]): EarlyWatches {
  const wanted = new Set(cameraIds);
  const pushes: MediaPush[] = [];
  const offs = MEDIA_PUSHES.map((event) =>
    client.on(event, (payload: MediaPush['payload']) => {
      if (wanted.has(payload.cameraId)) pushes.push({ event, payload } as MediaPush);
    })
  );
  const sent = new Map<string, SentWatch>();
  const rtpCapabilities = prepared.device.recvRtpCapabilities as RequestPayload<'camera:watch'>['rtpCapabilities'];
  for (const cameraId of wanted) {
    const answer = client.request('camera:watch', { cameraId, rtpCapabilities, routerCapabilitiesId: prepared.routerCapabilitiesId });
    // Its feed takes the answer over; a stale one is dropped unseen.
    answer.catch(() => undefined);
    sent.set(cameraId, { answer, sentAt: performance.now() });
  }
  return {
    ...prepared,
    sent,
    takePushes: () => {
      for (const off of offs.splice(0)) off();
      return pushes.splice(0);
    }
  };
}
