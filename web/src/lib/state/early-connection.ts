/**
 * The camera wall's hub connection, opened as the app starts (`init` in hooks.client.ts)
 * instead of when the monitor page is set up: the socket handshake, `media:join`,
 * `transport:create` and the browser's codec probe then run while the route's modules are
 * evaluated and the page is first drawn, not after. The page's SessionManager adopts it
 * (`takeEarlyConnection`).
 *
 * With router capabilities kept from an earlier session, the Device loads meanwhile and the
 * URL's cameras are watched right behind the join (lib/media/early-watch.ts).
 *
 * The connection is owned here until adopted. One that failed before it was adopted (refused,
 * dropped, ended by the hub) is closed and not handed out: the session starts its own and sees
 * the failure itself. One that no page adopts within `ADOPT_WITHIN_MS` is closed.
 */
import { peekClaims } from '$lib/auth/token-store.ts';
import { sendEarlyWatches } from '$lib/media/early-watch.ts';
import { joinAndCreate, type JoinStart } from '$lib/media/join.ts';
import { keptRouter } from '$lib/media/kept-router.ts';
import { HubClient } from '$lib/signaling/client.ts';

export interface EarlyConnection {
  readonly client: HubClient;
  /**
   * The first join of this connection, with its transport and early watches: the one sent the
   * moment the socket connected, or, taken over before that, sent now (call it connected). Given once.
   */
  takeJoin(): JoinStart | null;
}

/** Generous: the page adopts it as soon as its script runs, well within a second. */
const ADOPT_WITHIN_MS = 10_000;

let pending: { connection: EarlyConnection; release: () => void } | null = null;

export interface EarlyConnectionOptions {
  /** Read now and on every reconnect, as the session would (the stored sign-in token). */
  token: () => string | null;
  /** The hub's origin; the page's own by default. */
  url?: string;
  /** The cameras the page will show (its URL's): watched at once when the Device can load early. */
  cameras?: readonly string[];
}

/**
 * Opens the connection for a page about to start a session with `token()` (none without a
 * token, or for an auditor: the wall is not theirs). Idempotent.
 */
export function openEarlyConnection({ token, url, cameras = [] }: EarlyConnectionOptions): void {
  if (pending) return;
  const current = token();
  if (!current || peekClaims(current)?.role === 'auditor') return;
  const client = new HubClient({ token, ...(url ? { url } : {}) });
  let join: JoinStart | null = null;
  let joinTaken = false;
  const offs: Array<() => void> = [];
  const release = (): void => {
    clearTimeout(timer);
    for (const off of offs.splice(0)) off();
    pending = null;
  };
  const fail = (): void => {
    release();
    client.close();
  };
  const timer = setTimeout(fail, ADOPT_WITHIN_MS);
  const kept = keptRouter();
  // mediasoup-client is loaded on its own, so the app's start waits for none of it.
  const device = kept ? import('$lib/media/device.ts').then((module) => module.loadDevice(kept.capabilities)) : null;
  device?.catch(() => undefined);
  const start = (): JoinStart => {
    const started = joinAndCreate(client);
    if (kept && device) started.early = sendEarlyWatches(client, kept, cameras, device);
    return started;
  };
  offs.push(
    client.onConnect(() => {
      join ??= start();
    }),
    client.onConnectError(fail),
    client.onDisconnect(fail),
    client.on('session:ended', fail)
  );
  const connection: EarlyConnection = {
    client,
    takeJoin: () => {
      if (joinTaken) return null;
      joinTaken = true;
      const taken = join ?? (client.connected ? start() : null);
      join = null;
      return taken;
    }
  };
  pending = { connection, release };
  client.connect();
  // The codec probe (device.ts) as well, loaded on its own so the app's start waits for neither.
  void import('$lib/media/device.ts').then((device) => device.warmDevice()).catch(() => undefined);
}

/** The early connection, handed to its new owner (null if none is open or it failed). */
export function takeEarlyConnection(): EarlyConnection | null {
  if (!pending) return null;
  const { connection, release } = pending;
  release();
  return connection;
}
