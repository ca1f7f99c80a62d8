/**
 * Runs once as the app starts, before the first page's modules are loaded and evaluated.
 * The camera wall's hub connection opens here, so its handshake, join and transport overlap
 * the page's start-up (see lib/state/early-connection.ts).
 */
import type { ClientInit } from '@sveltejs/kit';
import { loadToken } from '$lib/auth/token-store.ts';
// Imported by path, not through $lib/state: the app's entry should not evaluate the page managers.
import { openEarlyConnection } from '$lib/state/early-connection.ts';
import { parseGridQuery } from '$lib/state/grid-query.ts';

export const init: ClientInit = () => {
  if (location.pathname !== '/monitor') return;
  const cameras = parseGridQuery(new URLSearchParams(location.search)).slots.filter((id) => id !== null);
  openEarlyConnection({ token: loadToken, cameras });
};
