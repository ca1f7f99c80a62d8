/**
 * The hub's HTTP surface, on the same port as Socket.IO: health, metrics, the development
 * sign-in API, and the SvelteKit pages (adapter-node's handler, built into build/web).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { DemoAgency, DevIssuer } from './auth/dev-issuer.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import { HubError } from './protocol/errors.ts';

export interface HttpOptions {
  log: Logger;
  metrics: Metrics;
  /** Fresh gauges just before a scrape. */
  beforeMetrics: () => Promise<void>;
  /** Development sign-in; absent in production mode. */
  dev: { issuer: DevIssuer; agencies: readonly DemoAgency[]; audience: string; ttlSec: number } | undefined;
  webDir: string;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const tokenRequestSchema = z.object({ agency: z.string().min(1).max(64) }).strict();
const MAX_BODY_BYTES = 4096;

export async function createHttpServer(options: HttpOptions): Promise<Server> {
  const pages = await loadPages(options.webDir, options.log);

  return createServer((req, res) => {
    route(req, res, options, pages).catch((error: unknown) => {
      const hubError = error instanceof HubError ? error : undefined;
      if (!hubError) options.log.error('http request failed', { url: req.url, error: error instanceof Error ? error.stack : String(error) });
      const status = hubError?.code === 'BAD_REQUEST' ? 400 : hubError?.code === 'NOT_FOUND' ? 404 : 500;
      sendJson(res, status, { error: hubError?.toWire() ?? { code: 'INTERNAL', message: 'internal error' } });
    });
  });
}

async function route(req: IncomingMessage, res: ServerResponse, options: HttpOptions, pages: NodeHandler | undefined): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub');
  const { dev } = options;
  if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
  if (url.pathname === '/metrics') {
    await options.beforeMetrics();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(options.metrics.render());
    return;
  }
  if (url.pathname === '/api/dev/agencies' && req.method === 'GET') {
    if (!dev) throw new HubError('NOT_FOUND', 'development sign-in is disabled');
    return sendJson(res, 200, {
      agencies: dev.agencies.map(({ id, name, nameEn, description }) => ({ id, name, nameEn, description }))
    });
  }
  if (url.pathname === '/api/dev/token' && req.method === 'POST') {
    if (!dev) throw new HubError('NOT_FOUND', 'development sign-in is disabled');
    const body = tokenRequestSchema.safeParse(await readJson(req));
    if (!body.success) throw new HubError('BAD_REQUEST', 'body must be {"agency": "<id>"}');
    const agency = dev.agencies.find((a) => a.id === body.data.agency);
    if (!agency) throw new HubError('BAD_REQUEST', `unknown demo agency ${body.data.agency}`);
    const token = await dev.issuer.sign(agency, { audience: dev.audience, ttlSec: dev.ttlSec });
    return sendJson(res, 200, { token, expiresAt: Date.now() + dev.ttlSec * 1000 });
  }
  if (!pages) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('웹 화면이 아직 빌드되지 않았습니다. Run `npm start` (it builds the web app).\n');
    return;
  }
  pages(req, res, () => {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });
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

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HubError('BAD_REQUEST', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HubError('BAD_REQUEST', 'request body is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
