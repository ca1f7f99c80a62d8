/**
 * Watches sent before the session's join is answered. A hub's router capabilities are fixed by
 * its configuration, and the hub names them (`routerCapabilitiesId`): with the ones an earlier
 * session of this browser kept, and what its Device made of them (kept-router.ts), the wall's
 * cameras are watched right behind `media:join` and `transport:create`, the moment the socket
 * connects, instead of a round trip and a Device load later; the Device loads meanwhile. A hub
 * whose capabilities changed refuses them (CAPABILITIES_STALE); the session then loads the
 * join's, and its tiles watch anew.
 *
 * The hub's pushes for these cameras can come before the session's MediaSession exists: they are
 * recorded here, in order, until it takes them.
 */
import type { types as mc } from 'mediasoup-client';
import type { WatchResponse } from '$protocol/events.ts';
import type { HubClient, PushPayload, RequestPayload } from '$lib/signaling/client.ts';
import type { KeptRouter } from './kept-router.ts';

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
  /** What the watches carried: the kept Device's receive capabilities. */
  readonly recvRtpCapabilities: mc.RtpCapabilities;
  /** The Device loaded from the kept router capabilities. */
  readonly device: Promise<mc.Device>;
  readonly sent: ReadonlyMap<string, SentWatch>;
  /** The pushes for these cameras so far, oldest first; recording stops. */
  takePushes(): MediaPush[];
}

/**
 * Watches `cameraIds` now, as `kept`'s Device would (`device`, loading). Call right after
 * `joinAndCreate` on the same connected client: the hub handles a socket's requests in the
 * order sent.
 */
export function sendEarlyWatches(client: HubClient, kept: KeptRouter, cameraIds: readonly string[], device: Promise<mc.Device>): EarlyWatches {
  const wanted = new Set(cameraIds);
  const pushes: MediaPush[] = [];
  const offs = MEDIA_PUSHES.map((event) =>
    client.on(event, (payload: MediaPush['payload']) => {
      if (wanted.has(payload.cameraId)) pushes.push({ event, payload } as MediaPush);
    })
  );
  const sent = new Map<string, SentWatch>();
  const rtpCapabilities = kept.recvRtpCapabilities as RequestPayload<'camera:watch'>['rtpCapabilities'];
  for (const cameraId of wanted) {
    const answer = client.request('camera:watch', { cameraId, rtpCapabilities, routerCapabilitiesId: kept.id });
    // Its feed takes the answer over; a stale one is dropped unseen.
    answer.catch(() => undefined);
    sent.set(cameraId, { answer, sentAt: performance.now() });
  }
  return {
    routerCapabilitiesId: kept.id,
    recvRtpCapabilities: kept.recvRtpCapabilities,
    device,
    sent,
    takePushes: () => {
      for (const off of offs.splice(0)) off();
      return pushes.splice(0);
    }
  };
}
