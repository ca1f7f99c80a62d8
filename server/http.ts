/**
 * The hub's HTTP surface, on the same port as Socket.IO: health, metrics, the development
 * sign-in API, and the SvelteKit pages (adapter-node's handler, built into build/web).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { DemoAgency, DevIssuer } from './auth/dev-issuer.ts';
import type { Principal } from './auth/principal.ts';
import { COST, type Budget } from './budget.ts';
import { devTokenRequestSchema, type DemoAgenciesResponse, type IssuedToken } from './protocol/dev-sign-in.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import { HubError } from './protocol/errors.ts';
import { applySecurityHeaders, withFramePolicy, type SecurityHeaders } from './web-security.ts';

export interface HttpOptions {
  log: Logger;
  metrics: Metrics;
  /** Fresh gauges just before a scrape. */
  beforeMetrics: () => Promise<void>;
  /** Checks a scraper's bearer token for /metrics on this port; undefined when /metrics has an address of its own. */
  authorizeScrape: ((token: unknown) => Promise<void>) | undefined;
  /** Headers every response carries (server/web-security.ts). */
  security: SecurityHeaders;
  /** What `/healthz` says was loaded (the start-up summary). */
  health?: () => object;
  /** Development sign-in; absent in production mode. */
  dev: { issuer: DevIssuer; agencies: readonly DemoAgency[]; audience: string; ttlSec: number } | undefined;
  webDir: string;
  /** Token → principal for the authenticated API (Authorization: Bearer …). */
  authenticate: (token: unknown) => Promise<Principal>;
  /** Each user's and agency's budget, shared with signaling: an API call over it is refused (429) before any work. */
  budget: Budget;
  routes: readonly ApiRoute[];
  /** Endpoints for machine sources (LPR systems) that check their own tokens and budgets. */
  sourceRoutes?: readonly SourceRoute[];
}

export interface ApiReply {
  status: number;
  json?: unknown;
  /** A body made ahead (and kept by whoever made it): sent as is, gzipped when the client takes it. */
  prepared?: PreparedBody;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One authenticated API endpoint; the body arrives parsed as JSON (or undefined for GET). */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  /** Budget units a call costs (server/budget.ts); default 1. */
  cost?: number;
  handle(context: { principal: Principal; params: string[]; body: unknown; url: URL }): Promise<ApiReply> | ApiReply;
}

/**
 * An endpoint for a trusted machine source (an LPR system), not a person: it verifies the bearer
 * token itself (the source's own issuer, not an agency's) and reads the body only after that,
 * up to `maxBodyBytes` (batches are larger than a person's requests).
 */
export interface SourceRoute {
  method: 'POST';
  path: RegExp;
  maxBodyBytes: number;
  handle(context: { bearer: string | undefined; body: () => Promise<unknown>; clientAddress: string }): Promise<ApiReply>;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const MAX_BODY_BYTES = 4096;

export async function createHttpServer(options: HttpOptions): Promise<Server> {
  const pages = await loadPages(options.webDir, options.log);

  return createServer((req, res) => {
    applySecurityHeaders(res, options.security);
    route(req, res, options, pages).catch(failed(req, res, options.log));
  });
}

/** /metrics alone, on an address of its own (config `metrics.listen`): whoever reaches it may scrape. */
export function createMetricsServer(options: Pick<HttpOptions, 'log' | 'metrics' | 'beforeMetrics' | 'security'>): Server {
  return createServer((req, res) => {
    applySecurityHeaders(res, options.security);
    const done = new URL(req.url ?? '/', 'http://hub').pathname === '/metrics' ? sendMetrics(res, options) : Promise.reject(new HubError('NOT_FOUND', 'only /metrics here'));
    done.catch(failed(req, res, options.log));
  });
}

/** The answer to a request that threw: its typed code, never a stack. */
function failed(req: IncomingMessage, res: ServerResponse, log: Logger): (error: unknown) => void {
  return (error) => {
    const hubError = error instanceof HubError ? error : undefined;
    if (!hubError) log.error('http request failed', { url: req.url, error: error instanceof Error ? error.stack : String(error) });
    const status = hubError ? statusOf(hubError.code) : 500;
    sendJson(res, status, { error: hubError?.toWire() ?? { code: 'INTERNAL', message: 'internal error' } });
  };
}

async function sendMetrics(res: ServerResponse, options: Pick<HttpOptions, 'metrics' | 'beforeMetrics'>): Promise<void> {
  await options.beforeMetrics();
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' });
  res.end(options.metrics.render());
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

async function route(req: IncomingMessage, res: ServerResponse, options: HttpOptions, pages: NodeHandler | undefined): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub');
  const { dev } = options;
  if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true, ...options.health?.() });
  if (url.pathname === '/metrics') {
    if (!options.authorizeScrape) throw new HubError('NOT_FOUND', 'metrics are served on their own address');
    await options.authorizeScrape(bearer(req));
    return sendMetrics(res, options);
  }
  if (url.pathname === '/api/dev/agencies' && req.method === 'GET') {
    if (!dev) throw new HubError('NOT_FOUND', 'development sign-in is disabled');
    return sendJson(res, 200, {
      agencies: dev.agencies.map(({ id, name, nameEn, description, purposes, role }) => ({ id, name, nameEn, description, purposes, role }))
    } satisfies DemoAgenciesResponse);
  }
  if (url.pathname === '/api/dev/token' && req.method === 'POST') {
    if (!dev) throw new HubError('NOT_FOUND', 'development sign-in is disabled');
    const body = devTokenRequestSchema.safeParse(await readJson(req));
    if (!body.success) throw new HubError('BAD_REQUEST', 'body must be {"agency": "<id>"}');
    const agency = dev.agencies.find((a) => a.id === body.data.agency);
    if (!agency) throw new HubError('BAD_REQUEST', `unknown demo agency ${body.data.agency}`);
    const purpose = body.data.purpose ?? agency.purposes[0]!;
    if (!agency.purposes.includes(purpose)) throw new HubError('PURPOSE_NOT_ALLOWED', `${agency.name}: '${purpose}' 목적은 허용되지 않습니다 (purpose not allowed)`);
    // A supervisor, or a wall device (a room's big screen: joins the shared views it is invited to, read-only).
    const role = body.data.role === 'operator' ? undefined : body.data.role;
    if (role && agency.role !== 'operator') throw new HubError('BAD_REQUEST', `${agency.name}: no ${role} sign-in for this agency`);
    const token = await dev.issuer.sign(agency, {
      audience: dev.audience,
      ttlSec: dev.ttlSec,
      purpose,
      ...(role ? { role, subject: `demo:${agency.id}:${role}` } : {})
    });
    return sendJson(res, 200, { token, expiresAt: Date.now() + dev.ttlSec * 1000 } satisfies IssuedToken);
  }
  if (url.pathname.startsWith('/api/')) return api(req, res, url, options);
  if (!pages) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('웹 화면이 아직 빌드되지 않았습니다. Run `npm start` (it builds the web app).\n');
    return;
  }
  pages(req, withFramePolicy(res, options.security), () => {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });
}

const COMPRESS_FROM_BYTES = 64 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
/** In libuv's thread pool: compressing megabytes never holds the event loop. */
const gzip = promisify(gzipCallback);

export interface PreparedBody {
  contentType: string;
  raw: Buffer;
  gzip: Buffer;
}

/**
 * A big JSON object as a reply body made once: serialised one property at a time, yielding to
 * the event loop between them (each property of the map's camera layer is one column of 68,000
 * values, a few ms), and compressed off the loop.
 */
export async function prepareJson(value: Record<string, unknown>): Promise<PreparedBody> {
  const parts: string[] = [];
  for (const [key, property] of Object.entries(value)) {
    if (property === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(property)}`);
    await nextTurn();
  }
  const raw = Buffer.from(`{${parts.join(',')}}`);
  return { contentType: JSON_TYPE, raw, gzip: await gzip(raw, { level: 1 }) };
}

async function api(req: IncomingMessage, res: ServerResponse, url: URL, options: HttpOptions): Promise<void> {
  for (const route of options.sourceRoutes ?? []) {
    if (route.method !== req.method || !route.path.test(url.pathname)) continue;
    const reply = await route.handle({ bearer: bearer(req), body: () => readJson(req, route.maxBodyBytes), clientAddress: req.socket.remoteAddress ?? '' });
    return sendJson(res, reply.status, reply.json);
  }
  for (const route of options.routes) {
    const match = route.path.exec(url.pathname);
    if (!match || route.method !== req.method) continue;
    const principal = await options.authenticate(bearer(req));
    // A room's big screen reads (its map); it opens, approves or changes nothing.
    if (principal.role === 'wall' && req.method !== 'GET') throw new HubError('FORBIDDEN', '대형 화면 기기는 보기만 합니다 (a wall device is read-only)');
    if (!options.budget.spend(principal, route.cost ?? COST.request)) throw new HubError('RATE_LIMITED', '요청이 너무 많습니다 (too many requests)');
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const reply = await route.handle({ principal, params: match.slice(1), body, url });
    const json = reply.json !== undefined;
    const contentType = reply.prepared?.contentType ?? (json ? JSON_TYPE : (reply.contentType ?? 'text/plain; charset=utf-8'));
    const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-store', ...reply.headers };
    const text = reply.prepared ? undefined : json ? JSON.stringify(reply.json) : (reply.text ?? '');
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    // The city's cameras are megabytes of JSON; a control room on a slow link should not wait for them.
    const gzipped = reply.prepared ? (acceptsGzip ? reply.prepared.gzip : undefined) : acceptsGzip && text!.length >= COMPRESS_FROM_BYTES ? await gzip(text!, { level: 1 }) : undefined;
    if (gzipped) {
      res.writeHead(reply.status, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
      res.end(gzipped);
    } else {
      res.writeHead(reply.status, headers);
      res.end(reply.prepared?.raw ?? text);
    }
    return;
  }
  throw new HubError('NOT_FOUND', `no such API: ${req.method} ${url.pathname}`);
}

/** HTTP status for a wire error code. */
function statusOf(code: string): number {
  if (code === 'BAD_REQUEST') return 400;
  if (code === 'NOT_FOUND' || code === 'CAMERA_UNKNOWN' || code === 'INCIDENT_NOT_FOUND' || code === 'PURSUIT_NOT_FOUND' || code === 'ALARM_NOT_FOUND') return 404;
  if (code.startsWith('AUTH_') || code === 'TOKEN_REVOKED' || code === 'KEY_WITHDRAWN') return 401;
  if (code === 'FORBIDDEN' || code === 'GRANT_NOT_ALLOWED' || code === 'PURPOSE_NOT_ALLOWED' || code === 'PURPOSE_REQUIRED' || code === 'CAMERA_OUT_OF_SCOPE') return 403;
  if (code === 'GRANT_ENDED' || code === 'GRANT_NOT_PENDING' || code === 'GRANT_PENDING' || code === 'GRANT_LIMIT_REACHED' || code === 'INCIDENT_CLOSED' || code === 'PURSUIT_CLOSED') return 409;
  if (code === 'DUPLICATE_READ' || code === 'ALARM_CLOSED' || code === 'ALARM_INVALID_TRANSITION') return 409;
  if (code === 'EVENT_KIND_NOT_ALLOWED' || code === 'OUT_OF_REGION') return 403;
  if (code === 'ROUTE_UNREACHABLE') return 422;
  if (code === 'RATE_LIMITED') return 429;
  return 500;
}

async function loadPages(webDir: string, log: Logger): Promise<NodeHandler | undefined> {
  const handlerFile = join(webDir, 'handler.js');
  if (!existsSync(handlerFile)) {
    log.warn('web app not built; pages are unavailable', { expected: handlerFile });
    return undefined;
  }
  const module = (await import(pathToFileURL(handlerFile).href)) as { handler: NodeHandler };
  return module.handler;
}

async function readJson(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HubError('BAD_REQUEST', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HubError('BAD_REQUEST', 'request body is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
