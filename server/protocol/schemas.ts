/**
 * Schemas for every client request. The edge parses with these and nothing else reaches the
 * handlers; mediasoup re-validates RTP capabilities and DTLS parameters itself, so only their
 * outer shape and size are checked here.
 */
import { z } from 'zod';
import { alarmRequestSchemas } from './alerts.ts';
import { viewRequestSchemas } from './shared-view.ts';

/** cameras:list pages: the default size and the most one request may ask for. */
export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 500;

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/);
const uuid = z.uuid();
const empty = z.object({}).strict();

const dtlsParameters = z
  .object({
    role: z.enum(['auto', 'client', 'server']).optional(),
    fingerprints: z
      .array(z.object({ algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']), value: z.string().max(256) }))
      .min(1)
      .max(8)
  })
  .strict();

/**
 * A receiver's RTP capabilities, field by field: unknown keys are dropped, so no depth or
 * size a client invents ever reaches mediasoup (which clones and walks what it is given).
 */
const codecCapability = z.object({
  kind: z.enum(['audio', 'video']),
  mimeType: z.string().max(64),
  preferredPayloadType: z.number().int().min(0).max(127).optional(),
  clockRate: z.number().int().positive().max(1_000_000),
  channels: z.number().int().positive().max(8).optional(),
  parameters: z.record(z.string().max(64), z.union([z.string().max(256), z.number()])).optional(),
  rtcpFeedback: z.array(z.object({ type: z.string().max(32), parameter: z.string().max(32).optional() })).max(16).optional()
});
const headerExtension = z.object({
  kind: z.enum(['audio', 'video']),
  uri: z.string().max(256),
  preferredId: z.number().int().min(1).max(255),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional()
});
const rtpCapabilities = z.object({
  codecs: z.array(codecCapability).max(64).optional(),
  headerExtensions: z.array(headerExtension).max(64).optional()
});

export const requestSchemas = {
  'media:join': empty,
  'cameras:list': z
    .object({
      /** Only this 구 (its code, e.g. "11680"). */
      district: z.string().min(1).max(16).regex(/^[A-Za-z0-9_-]+$/).optional(),
      /** Search by name (Korean or English; the name holds the short address) or id. */
      query: z.string().max(100).optional(),
      /** Default 0. */
      offset: z.number().int().min(0).max(1_000_000).optional(),
      /** Default DEFAULT_PAGE, at most MAX_PAGE. */
      limit: z.number().int().min(1).max(MAX_PAGE).optional()
    })
    .strict(),
  /** Deep-linked tiles: the wall holds at most 16, a session watches at most 64. */
  'cameras:get': z.object({ ids: z.array(id).min(1).max(64) }).strict(),
  'transport:create': empty,
  'transport:connect': z.object({ transportId: uuid, dtlsParameters }).strict(),
  /**
   * `routerCapabilitiesId`: the capabilities `rtpCapabilities` were matched against, when they were
   * kept from an earlier join (a watch sent before this session's join was answered); a
   * different router's answer is CAPABILITIES_STALE.
   */
  'camera:watch': z.object({ cameraId: id, rtpCapabilities, incidentId: id.optional(), routerCapabilitiesId: z.string().regex(/^[0-9a-f]{1,64}$/).optional() }).strict(),
  'camera:unwatch': z.object({ cameraId: id }).strict(),
  'camera:still': z.object({ cameraId: id, incidentId: id.optional() }).strict(),
  'consumer:resume': z.object({ consumerId: uuid }).strict(),
  'session:refresh': z.object({ token: z.string().min(1).max(8192) }).strict(),
  /** The shared situation view (상황 공유). */
  ...viewRequestSchemas,
  /** The alarm queue (경보). */
  ...alarmRequestSchemas
} as const;

export type RequestName = keyof typeof requestSchemas;
/** A request as the hub's handlers receive it: the schema's output, the only request type there is. */
export type RequestOf<N extends RequestName> = z.infer<(typeof requestSchemas)[N]>;
