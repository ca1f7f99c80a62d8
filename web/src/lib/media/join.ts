/**
 * The start of a hub media session: `media:join` and `transport:create`. Apart from the
 * Device (media-session.ts), so the app's start-up can send them without loading mediasoup-client.
 */
import type { JoinResponse, TransportOptions } from '$protocol/events.ts';
import type { HubClient } from '$lib/signaling/client.ts';
import type { EarlyWatches } from './early-watch.ts';

export interface JoinStart {
  join: Promise<JoinResponse>;
  created: Promise<TransportOptions>;
  /** Watches sent right behind the join with kept router capabilities (early-watch.ts), if any. */
  early?: EarlyWatches;
}

/**
 * Sends `media:join` and `transport:create` back to back, without waiting for the join's answer
 * in between: the hub answers a socket's requests in order and its join is synchronous, so the
 * transport is asked for by a joined session, one round trip sooner. A refused join refuses the
 * transport too (NOT_JOINED); that answer is awaited by no one but never left unhandled.
 */
export function joinAndCreate(client: HubClient): JoinStart {
  const join = client.request('media:join', {});
  const created = client.request('transport:create', {});
  created.catch(() => undefined);
  // Taken over by the session later (see early-connection.ts): a refusal is its to handle.
  join.catch(() => undefined);
  return { join, created };
}
