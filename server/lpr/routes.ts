/**
 * The LPR HTTP API: `POST /api/lpr/reads` for LPR systems (their own signed tokens), and the
 * watchlist for police agencies (`GET/POST /api/lpr/watchlist`, `DELETE /api/lpr/watchlist/:id`)
 * with the agency tokens people use.
 */
import { json } from '../api.ts';
import type { ApiRoute, SourceRoute } from '../http.ts';
import { LPR_MAX_BATCH } from '../protocol/lpr.ts';
import type { Lpr } from './lpr.ts';

/** A full batch of reads with image references fits. */
const MAX_READS_BODY_BYTES = LPR_MAX_BATCH * 1024;

export function lprSourceRoutes(lpr: Lpr): SourceRoute[] {
  return [
    {
      method: 'POST',
      path: /^\/api\/lpr\/reads$/,
      maxBodyBytes: MAX_READS_BODY_BYTES,
      handle: async ({ bearer, body, clientAddress }) => json(201, await lpr.ingest(bearer, body, clientAddress))
    }
  ];
}

export function lprRoutes(lpr: Lpr): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: /^\/api\/lpr\/watchlist$/,
      handle: ({ principal }) => json(200, lpr.watchlist(principal))
    },
    {
      method: 'POST',
      path: /^\/api\/lpr\/watchlist$/,
      handle: async ({ principal, body }) => json(201, { entry: await lpr.addWatch(principal, body) })
    },
    {
      method: 'DELETE',
      path: /^\/api\/lpr\/watchlist\/(watch-[0-9a-f-]{36})$/,
      handle: async ({ principal, params }) => {
        await lpr.removeWatch(principal, params[0]!);
        return json(200, { removed: params[0] });
      }
    }
  ];
}
