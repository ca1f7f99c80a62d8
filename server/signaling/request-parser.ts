/**
 * One socket's request parsing: every request against its schema (server/protocol/schemas.ts),
 * with the RTP capabilities of `camera:watch` parsed once per socket. A page sends the very same
 * capabilities with every watch, and parsing them field by field costs the event loop ~2 ms a
 * watch — a four-tile incident or a 16-tile wall opening in one burst. The same text gives the
 * same parse, so a watch whose capabilities equal the socket's last ones takes that parse
 * and has only the rest of the request checked.
 */
import type { z } from 'zod';
import { requestSchemas, type RequestName, type RequestOf } from '../protocol/schemas.ts';

export type ParseRequest = <N extends RequestName>(name: N, payload: unknown) => z.ZodSafeParseResult<RequestOf<N>>;

type Capabilities = RequestOf<'camera:watch'>['rtpCapabilities'];

export function socketRequestParser(): ParseRequest {
  let kept: { text: string; value: Capabilities } | undefined;
  const watch = (payload: unknown): z.ZodSafeParseResult<RequestOf<'camera:watch'>> => {
    const schema = requestSchemas['camera:watch'];
    if (typeof payload !== 'object' || payload === null) return schema.safeParse(payload);
    const capabilities = (payload as Record<string, unknown>).rtpCapabilities;
    if (typeof capabilities !== 'object' || capabilities === null) return schema.safeParse(payload);
    // Socket.IO decoded it from JSON text, so it has a JSON text of its own (a few KB)…
    let text: string;
    try {
      text = JSON.stringify(capabilities);
    } catch {
      // …unless it nests too deep to print (a hostile payload): the schema refuses it.
      return schema.safeParse(payload);
    }
    if (kept?.text === text) {
      const rest = schema.safeParse({ ...payload, rtpCapabilities: {} });
      return rest.success ? { success: true, data: { ...rest.data, rtpCapabilities: kept.value } } : rest;
    }
    const parsed = schema.safeParse(payload);
    if (parsed.success) kept = { text, value: parsed.data.rtpCapabilities };
    return parsed;
  };
  return <N extends RequestName>(name: N, payload: unknown) =>
    (name === 'camera:watch' ? watch(payload) : requestSchemas[name].safeParse(payload)) as z.ZodSafeParseResult<RequestOf<N>>;
}
