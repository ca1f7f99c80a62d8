/**
 * The signaling edge under ≥ 10,000 random and malformed payloads, against the real stack
 * (mediasoup workers, simulated RTSP cameras, real sockets) while a viewer in Chromium watches
 * a camera and a bystander keeps listing cameras. Every request that carries an ack is answered
 * with a typed result, no payload reaches the process as an exception, nobody else's video or
 * requests suffer, and afterwards the hub holds only the legitimate sessions.
 *
 * "Answered" is meant strictly: any event, known or not, whose last argument is a function gets
 * exactly one typed result; no payload is answered INTERNAL (an error the hub did not foresee),
 * and no error message grows with the payload.
 *
 * Replay a run with its printed seed: GTH_FUZZ_SEED=<seed> (GTH_FUZZ_SCALE=0.2 for a short run).
 * Each attacker draws from its own PRNG stream, derived from the seed:
 * - regular sockets (every test agency; two of three joined with a transport, so requests reach
 *   the handlers): random values, wrong shapes, one-field mutations of valid requests (a
 *   `camera:watch` carries the router's real rtpCapabilities), prototype keys, deep nesting,
 *   strings just under the payload limit, Buffers, no ack, an ack that is not a function, extra
 *   arguments, no payload, unknown events;
 * - oversize sockets: a few requests, then a payload at or above maxHttpBufferSize; the hub may
 *   drop that socket (counted, then reconnected);
 * - raw sockets: packets written by hand (1e309 → Infinity, lone surrogates, numeric event names,
 *   nesting deeper than JSON.stringify allows), then one protocol violation a round;
 * - handshakes with every kind of `auth`, and correctly signed tokens with wrong claims.
 */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, test, type TestContext } from 'node:test';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { types as ms } from 'mediasoup';
import { io as connect } from 'socket.io-client';
import { loadConfig, UNLIMITED_BUDGETS } from '../../server/config.ts';
import { ErrorCodes } from '../../server/protocol/errors.ts';
import { requestSchemas } from '../../server/protocol/schemas.ts';
import { launchBrowser, NAME_SHIM, openMonitor, useToken, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';
import {
  checkAck,
  deepNest,
  deepNestJson,
  hugeString,
  mutateOne,
  PROTOCOL_VIOLATIONS,
  randomBuffer,
  randomValue,
  Rng,
  STACK_TRACE,
  unknownEventName,
  withOwnKey
} from '../support/fuzz.ts';
import { request, startTestHub, type HubClient, type TestHub } from '../support/hub.ts';
import { unsignedToken, userClaims } from '../support/tokens.ts';
import { alive } from '../support/processes.ts';

const SEED = process.env.GTH_FUZZ_SEED ? Number(process.env.GTH_FUZZ_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const SCALE = Number(process.env.GTH_FUZZ_SCALE ?? 1);
const REGULAR_SOCKETS = 12;
const REGULAR_PAYLOADS = Math.ceil(820 * SCALE);
const OVERSIZE_SOCKETS = 2;
const OVERSIZE_ROUNDS = Math.ceil(12 * SCALE);
const RAW_SOCKETS = 2;
const RAW_ROUNDS = Math.ceil(14 * SCALE);
const RAW_BATCH = 20;
const HANDSHAKES = Math.ceil(200 * SCALE);
/** Requests a socket may have unanswered before it waits (keeps the fuzz from only filling buffers). */
const WINDOW = 24;
const ANSWER_TIMEOUT_MS = 10_000;
/** The hub is taken to owe nothing more once no answer has come for this long. */
const SETTLE_IDLE_MS = 30_000;
/** Bounds a wait for an answer that hangs (a test must end); the answer, however late, is what is awaited. */
const HANG_BOUND_MS = 120_000;
/** Ack ids of hand-written packets: far above the ids socket.io-client hands out itself. */
const RAW_ID_BASE = 1_000_000;
/** Longest error message a person should be shown (and the hub should spend time and bandwidth on). */
const MESSAGE_LIMIT = 1_000;

const EVENTS = Object.keys(requestSchemas) as Array<keyof typeof requestSchemas>;
const KNOWN = new Set<string>(EVENTS);
const CODES = new Set<string>(ErrorCodes);

/** Test agencies: city-wide 119, one district each (강남 police, 마포 district office), and welfare (incident grants only). */
const AGENCIES = ['fire', 'gangnam', 'mapo', 'welfare'] as const;
type Agency = (typeof AGENCIES)[number];

let t: TestHub;
let browser: TestBrowser;
let viewer: Viewer;
let watchedCamera: string;
let maxPayloadBytes: number;
/** A router's capabilities (a valid receiver's), for sessions that never joined. */
let routerCaps: ms.RtpCapabilities | undefined;
const tokens = {} as Record<Agency, string>;
/** What each agency may see, as the hub said before the fuzz: no success may fall outside it. */
const visible = {} as Record<Agency, ReadonlySet<string>>;

/** Session expiry timers (a token lives an hour): armed while the hub runs, checked and cleared at the end. */
const sessionTimers = trackLongTimers(10 * 60_000);

before(async () => {
  // One camera per demo district (종로, 마포, 서초, 강남), so every agency's scope is non-trivial.
  // Sessions that never join (a third of the regular sockets) stay for the whole fuzz, however long a busy machine makes it.
  t = await startTestHub({
    cameras: 4,
    config: { signaling: { ratePerSecond: 100_000, rateBurst: 100_000, joinTimeoutMs: 30 * 60_000 }, budgets: UNLIMITED_BUDGETS, metrics: { workerPids: true } }
  });
  maxPayloadBytes = loadConfig({}).signaling.maxPayloadBytes;
  for (const agency of AGENCIES) {
    tokens[agency] = await t.token(agency);
    const socket = await t.client(tokens[agency]);
    const list = await request(socket, 'cameras:list', {});
    assert.ok(list.ok, `${agency} lists its cameras: ${JSON.stringify(list)}`);
    visible[agency] = new Set(list.data.cameras.map((c) => c.id));
    socket.disconnect();
  }
  assert.equal(visible.fire.size, 4, 'city-wide 119 sees every camera');
  browser = await launchBrowser();
  viewer = await browser.newViewer({ baseURL: t.hub.url });
  watchedCamera = t.cameras.find((c) => c.district.code === '11680')!.id;
  await useToken(viewer, tokens.fire);
  await openMonitor(viewer, [watchedCamera], 1);
  await waitForTiles(viewer.page, { state: 'live', timeoutMs: 30_000 });
});
after(async () => {
  await browser?.close();
  await t?.close();
  // Whatever the hub left armed would hold this process for an hour (see the session:refresh test).
  const left = sessionTimers.stop();
  if (left > 0) process.stderr.write(`fuzz.test: cleared ${left} session timer(s) the hub left armed after closing\n`);
});

/**
 * Timers of at least `minMs` armed through the global setTimeout and neither run nor cleared:
 * the hub arms one per session for its token's expiry. `stop()` restores the globals, clears
 * what is left and says how many there were.
 */
function trackLongTimers(minMs: number): { armed(): number; stop(): number } {
  const armed = new Set<NodeJS.Timeout>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const tracked = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if ((ms ?? 0) < minMs) return realSet(callback, ms, ...args);
    const timer: NodeJS.Timeout = realSet((...a: unknown[]) => {
      armed.delete(timer);
      callback(...a);
    }, ms, ...args);
    armed.add(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(tracked, { __promisify__: realSet.__promisify__ });
  globalThis.clearTimeout = ((timer?: NodeJS.Timeout | string | number) => {
    armed.delete(timer as NodeJS.Timeout);
    realClear(timer as NodeJS.Timeout);
  }) as typeof clearTimeout;
  return {
    armed: () => armed.size,
    stop() {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
      const left = armed.size;
      for (const timer of armed) realClear(timer);
      armed.clear();
      return left;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Bookkeeping: what was sent, what came back, and what it tells.

/** Whether a request must be answered: whenever its last argument is a function, whatever else it is. */
type Expect = 'answer' | 'none';

interface Slot {
  name: string;
  agency: Agency;
  visible: ReadonlySet<string>;
  joins: boolean;
  rng: Rng;
  socket: HubClient | undefined;
  caps: ms.RtpCapabilities | undefined;
  transportId: string | undefined;
  consumerIds: string[];
  /** Until when a server-side disconnect is the expected answer to what this socket just sent. */
  excuseUntil: number;
  inFlight: number;
  wake: (() => void) | undefined;
}

interface Pending {
  slot: Slot;
  socket: HubClient;
  event: string;
  kind: string;
  label: string;
  expect: Expect;
  sentAt: number;
}

class Tally {
  sent = 0;
  answered = 0;
  late = 0;
  maxLatencyMs = 0;
  longestMessage = '';
  readonly byCode = new Map<string, number>();
  readonly byEvent = new Map<string, Map<string, number>>();
  readonly byKind = new Map<string, number>();
  readonly internalBy = new Map<string, number>();
  readonly problems: string[] = [];
  readonly pending = new Map<number, Pending>();
  readonly drops: Array<{ slot: string; reason: string; excused: boolean; lost: number }> = [];
  readonly unanswered: Pending[] = [];
  readonly consumerLeaks: string[] = [];
  #nextId = 0;
  #lastAnswerAt = 0;

  /** Registers a request sent with an ack; returns the id `answer` takes. */
  track(entry: Omit<Pending, 'sentAt'>): number {
    const id = this.#nextId++;
    this.count(entry.kind);
    if (entry.expect === 'none') return id;
    this.pending.set(id, { ...entry, sentAt: Date.now() });
    if (entry.expect === 'answer') entry.slot.inFlight++;
    return id;
  }

  /** Counts a payload nobody waits an answer for. */
  count(kind: string): void {
    this.sent++;
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }

  answer(id: number, args: readonly unknown[]): void {
    const entry = this.pending.get(id);
    if (!entry) {
      this.problems.push(`answer for an unknown or already answered request ${id}`);
      return;
    }
    this.pending.delete(id);
    this.#release(entry);
    this.#lastAnswerAt = Date.now();
    const latency = Date.now() - entry.sentAt;
    this.maxLatencyMs = Math.max(this.maxLatencyMs, latency);
    if (latency > ANSWER_TIMEOUT_MS) this.late++;
    this.answered++;
    const code = this.#judge(entry, args);
    bump(this.byCode, code);
    const perEvent = this.byEvent.get(entry.event) ?? new Map<string, number>();
    bump(perEvent, code);
    this.byEvent.set(entry.event, perEvent);
  }

  /** The server closed `socket`: what it still owed is lost with it. */
  dropped(slot: Slot, socket: HubClient, reason: string): void {
    const excused = Date.now() <= slot.excuseUntil;
    let lost = 0;
    for (const [id, entry] of this.pending) {
      if (entry.socket !== socket) continue;
      this.pending.delete(id);
      this.#release(entry);
      lost++;
      if (!excused && entry.expect === 'answer') this.unanswered.push(entry);
    }
    this.drops.push({ slot: slot.name, reason, excused, lost });
  }

  /**
   * Waits until every request that must be answered was (or went with its socket). Answers that
   * keep coming are waited for, however slowly a busy machine delivers them (`late` counts the
   * slow ones); only when none has come for `SETTLE_IDLE_MS` are the rest unanswered.
   */
  async settle(): Promise<void> {
    const waiting = () => [...this.pending.values()].some((p) => p.expect === 'answer');
    const since = Date.now();
    while (waiting() && Date.now() - Math.max(since, this.#lastAnswerAt) < SETTLE_IDLE_MS) await sleep(50);
    for (const entry of this.pending.values()) if (entry.expect === 'answer') this.unanswered.push(entry);
  }

  #release(entry: Pending): void {
    if (entry.expect !== 'answer') return;
    entry.slot.inFlight--;
    const wake = entry.slot.wake;
    entry.slot.wake = undefined;
    wake?.();
  }

  /** The answer's code (`ok` for success); whatever breaks the contract or the scope goes to `problems`. */
  #judge(entry: Pending, args: readonly unknown[]): string {
    const where = `${describeRequest(entry)} on ${entry.slot.name}`;
    const verdict = checkAck(args, CODES);
    if ('problem' in verdict) {
      if (this.problems.length < 50) this.problems.push(`${where}: ${verdict.problem}`);
      return 'MALFORMED';
    }
    if (!verdict.ok) {
      if (verdict.message.length > this.longestMessage.length) this.longestMessage = verdict.message;
      if (verdict.code === 'INTERNAL') bump(this.internalBy, describeRequest(entry).slice(0, 80));
      return verdict.code;
    }
    if (!KNOWN.has(entry.event)) {
      this.problems.push(`${where}: an unknown event succeeded`);
      return 'UNKNOWN_EVENT_OK';
    }
    const scope = entry.slot.visible;
    if (entry.event === 'camera:watch') {
      const cameraId = (verdict.data as { cameraId?: unknown } | null)?.cameraId;
      if (typeof cameraId !== 'string' || !scope.has(cameraId)) {
        this.problems.push(`${entry.slot.name} (${entry.slot.agency}) was allowed to watch ${String(cameraId)}`);
        return 'SCOPE_VIOLATION';
      }
    }
    if (entry.event === 'cameras:list') {
      const ids = ((verdict.data as { cameras?: Array<{ id: string }> } | null)?.cameras ?? []).map((c) => c.id);
      if (ids.length !== scope.size || ids.some((id) => !scope.has(id))) {
        this.problems.push(`${entry.slot.name} (${entry.slot.agency}) listed ${ids.join(',')}`);
        return 'SCOPE_VIOLATION';
      }
    }
    return 'ok';
  }
}

function describeRequest(p: Pending): string {
  return `${p.event} [${p.kind}${p.label ? ` ${p.label}` : ''}]`;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function histogram(map: ReadonlyMap<string, number>): string {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** Trouble in the process the hub runs in (this one): exceptions, rejections, worker deaths. */
class ProcessWatch {
  readonly rejections: string[] = [];
  readonly exceptions: string[] = [];
  /** The hub's 'unexpected error in request' logs, by the error's first line. */
  readonly internalErrors = new Map<string, number>();
  workerDied = 0;
  readonly #write = process.stderr.write;
  readonly #onRejection = (reason: unknown) => void this.rejections.push(describe(reason));
  readonly #onException = (error: unknown) => void this.exceptions.push(describe(error));

  start(): void {
    process.on('unhandledRejection', this.#onRejection);
    process.on('uncaughtException', this.#onException);
    // The hub logs JSON lines on stderr: count what matters, pass one line of each kind through.
    const write = this.#write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      if (text.includes('mediasoup worker died')) this.workerDied++;
      if (text.includes('"unexpected error in request"')) {
        const first = (/"error":"([^"\\]*)/.exec(text)?.[1] ?? text).slice(0, 200);
        bump(this.internalErrors, first);
        if (this.internalErrors.get(first)! > 1) return true;
      }
      return (write as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
    }) as typeof process.stderr.write;
  }

  stop(): void {
    process.off('unhandledRejection', this.#onRejection);
    process.off('uncaughtException', this.#onException);
    process.stderr.write = this.#write;
  }

  /** For an assertion message: how many, and the distinct first ones. */
  static summary(items: readonly string[]): string {
    return `${items.length}: ${[...new Set(items)].slice(0, 3).join(' || ')}`;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message} @ ${error.stack?.split('\n').slice(1, 4).join(' | ')}` : String(error);
}

// ---------------------------------------------------------------------------------------------
// Payloads.

interface Case {
  event: string | number;
  args: unknown[];
  /** How the ack goes: a function (tracked), none, or a value that is not a function. */
  ack: 'function' | 'none' | 'non-function';
  expect: Expect;
  kind: string;
  label: string;
}

/** A request the hub should accept from this session (it may still refuse it by scope or state). */
function validPayload(rng: Rng, slot: Slot, event: string): Record<string, unknown> {
  const cameras = [...t.cameras.map((c) => c.id), 'cam-99999-999'];
  switch (event) {
    case 'transport:connect':
      return {
        transportId: slot.transportId ?? rng.uuid(),
        dtlsParameters: {
          role: rng.pick(['auto', 'client', 'server']),
          fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => rng.string(2, '0123456789ABCDEF')).join(':') }]
        }
      };
    case 'camera:watch':
      return { cameraId: rng.pick(cameras), rtpCapabilities: structuredClone(slot.caps ?? routerCaps ?? { codecs: [] }) };
    case 'camera:unwatch':
      return { cameraId: rng.pick(cameras) };
    case 'consumer:resume': {
      // As many draws whatever the session holds, so a seed replays the same sequence.
      const [known, index, unknown] = [rng.chance(0.7), rng.int(0, 1_000_000), rng.uuid()];
      return { consumerId: known && slot.consumerIds.length > 0 ? slot.consumerIds[index % slot.consumerIds.length]! : unknown };
    }
    case 'session:refresh':
      return { token: rng.pick([tokens[slot.agency], ...AGENCIES.map((a) => tokens[a]), 'a.b.c', rng.string(200)]) };
    default: {
      // An event added after this test was written: its schema's keys with plausible values.
      const shape = (requestSchemas as Record<string, { shape?: Record<string, unknown> }>)[event]?.shape ?? {};
      return Object.fromEntries(Object.keys(shape).map((key) => [key, rng.pick([rng.uuid(), rng.string(8), t.cameras[0]!.id])]));
    }
  }
}

/** The payload with one of its string fields (or the payload itself) replaced by `bytes` of text. */
function withHugeString(rng: Rng, payload: Record<string, unknown>, bytes: number): unknown {
  const stringKeys = Object.keys(payload).filter((k) => typeof payload[k] === 'string');
  if (stringKeys.length === 0) return rng.chance(0.5) ? { pad: hugeString(rng, bytes) } : hugeString(rng, bytes);
  return { ...payload, [rng.pick(stringKeys)]: hugeString(rng, bytes) };
}

function encodedBytes(event: string | number, args: unknown[]): number {
  return Buffer.byteLength(JSON.stringify([event, ...args]) ?? '');
}

const REGULAR_KINDS: ReadonlyArray<readonly [string, number]> = [
  ['random', 16],
  ['wrong-shape', 8],
  ['mutated', 26],
  ['valid', 7],
  ['proto', 5],
  ['deep', 4],
  ['near-limit', 1.5],
  ['binary', 5],
  ['no-ack', 5],
  ['non-function-ack', 4],
  ['extra-args', 3],
  ['no-payload', 2],
  ['unknown-event', 8]
];

function regularCase(rng: Rng, slot: Slot): Case {
  const kind = rng.weighted(REGULAR_KINDS);
  const event = rng.pick(EVENTS);
  const valid = () => validPayload(rng, slot, event);
  const base = { event, ack: 'function' as const, expect: 'answer' as const, kind, label: '' };
  switch (kind) {
    case 'random':
      return { ...base, args: [randomValue(rng, { binary: true })] };
    case 'wrong-shape': {
      const v = valid();
      const shapes: Array<[string, unknown]> = [
        ['array', []],
        ['array-of-valid', [v]],
        ['json-as-string', JSON.stringify(v)],
        ['number', rng.int(-5, 5)],
        ['boolean', rng.chance(0.5)],
        ['null', null],
        ['nan', NaN],
        ['infinity', -Infinity],
        ['values-as-array', Object.values(v)]
      ];
      const [label, payload] = rng.pick(shapes);
      return { ...base, label, args: [payload] };
    }
    case 'mutated': {
      const { value, label } = mutateOne(rng, valid());
      return { ...base, label, args: [value] };
    }
    case 'valid':
      return { ...base, args: [valid()] };
    case 'proto': {
      const key = rng.pick(['__proto__', 'constructor', 'prototype']);
      const poison = JSON.parse('{"polluted": true, "isAdmin": true, "toString": "x"}') as Record<string, unknown>;
      const payload = valid();
      const nested = Object.values(payload).find((v) => v && typeof v === 'object' && !Array.isArray(v)) as Record<string, unknown> | undefined;
      withOwnKey(rng.chance(0.5) ? payload : nested ?? payload, key, key === 'constructor' ? { prototype: poison } : poison);
      return { ...base, label: key, args: [payload] };
    }
    case 'deep': {
      // Up to ≈ 4,000 levels: what JSON.stringify (so any socket.io client) can still send.
      const depth = rng.chance(0.25) ? rng.int(3_000, 4_000) : rng.int(50, 1_500);
      const payload = valid();
      if (event === 'camera:watch' && rng.chance(0.6)) {
        const caps = payload.rtpCapabilities as { codecs?: unknown[] };
        payload.rtpCapabilities = { ...caps, codecs: [...(caps.codecs ?? []), { mimeType: 'video/H264', deep: deepNest(rng, depth) }] };
        return { ...base, label: `codecs[].deep ${depth}`, args: [payload] };
      }
      return { ...base, label: `payload ${depth}`, args: [rng.chance(0.5) ? deepNest(rng, depth) : { ...payload, deep: deepNest(rng, depth) }] };
    }
    case 'near-limit': {
      // Just under the limit once encoded (the packet header and ack id take a few bytes more).
      const payload = valid();
      const near = withHugeString(rng, payload, maxPayloadBytes - 128 - rng.int(0, 4_096) - encodedBytes(event, [payload]));
      return { ...base, label: `${encodedBytes(event, [near])} B`, args: [near] };
    }
    case 'binary': {
      const choice = rng.int(0, 3);
      if (choice === 0) return { ...base, label: 'payload', args: [randomBuffer(rng, rng.int(0, 4_096))] };
      if (choice === 1) return { ...base, label: 'empty buffer', args: [Buffer.alloc(0)] };
      const payload = valid();
      const keys = Object.keys(payload);
      if (keys.length === 0) return { ...base, label: 'field', args: [{ blob: randomBuffer(rng, 64) }] };
      const key = rng.pick(keys);
      return { ...base, label: `field ${key}`, args: [{ ...payload, [key]: randomBuffer(rng, rng.int(1, 2_048)) }] };
    }
    case 'no-ack':
      return { ...base, ack: 'none', expect: 'none', args: [rng.chance(0.5) ? valid() : randomValue(rng)] };
    case 'non-function-ack':
      return { ...base, ack: 'non-function', expect: 'none', args: [valid(), rng.pick<unknown>([{}, 'ack', 42, null, [1], true, { call: 1 }])] };
    case 'extra-args':
      return { ...base, args: [valid(), ...Array.from({ length: rng.int(1, 3) }, () => randomValue(rng))] };
    case 'no-payload':
      return { ...base, args: [] };
    default: {
      const name = rng.chance(0.1) ? rng.int(-5, 99_999) : unknownEventName(rng, EVENTS);
      const withAck = rng.chance(0.8);
      return {
        ...base,
        event: name,
        label: String(name).slice(0, 40),
        ack: withAck ? 'function' : 'none',
        expect: withAck ? 'answer' : 'none',
        args: [randomValue(rng, { binary: true })]
      };
    }
  }
}

/** A hand-written event packet body (after `2<ackId>`): what no JSON.stringify produces. */
function rawPacket(rng: Rng, slot: Slot): { body: string; event: string; label: string; expect: Expect } {
  const camera = rng.pick([...slot.visible]);
  const codec = JSON.stringify(slot.caps?.codecs?.[0] ?? {});
  const options: Array<() => { body: string; event: string; label: string; expect?: Expect }> = [
    () => ({ event: 'cameras:list', label: 'infinity', body: '["cameras:list",{"n":1e309,"m":-1e309}]' }),
    () => ({ event: 'camera:watch', label: 'infinite clockRate', body: `["camera:watch",{"cameraId":"${camera}","rtpCapabilities":{"codecs":[{"kind":"video","mimeType":"video/H264","clockRate":1e309,"preferredPayloadType":-1e309}]}}]` }),
    () => ({ event: 'consumer:resume', label: 'lone surrogates', body: '["consumer:resume",{"consumerId":"\\ud800\\udfff\\ud800"}]' }),
    () => ({ event: 'cameras:list', label: 'escaped event name', body: '["\\u0063ameras:list",{}]' }),
    () => ({ event: 'media:join', label: 'proto keys', body: '["media:join",{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}]' }),
    () => ({ event: 'camera:unwatch', label: 'unwatch', body: `["camera:unwatch",{"cameraId":"${camera}"}]` }),
    () => {
      // Arrays take 2 bytes a level, objects 6: either stays under the payload limit.
      const kind = rng.pick(['array', 'object'] as const);
      const depth = rng.int(4_000, kind === 'array' ? 30_000 : 10_000);
      return { event: 'camera:watch', label: `deep codecs ${kind} ${depth}`, body: `["camera:watch",{"cameraId":"${camera}","rtpCapabilities":{"codecs":[${codec},{"deep":${deepNestJson(depth, kind)}}]}}]` };
    },
    () => ({ event: 'cameras:list', label: 'deep payload', body: `["cameras:list",${deepNestJson(rng.int(1_000, 30_000))}]` }),
    () => ({ event: 'camera:watch', label: 'huge numbers', body: `["camera:watch",{"cameraId":"${camera}","rtpCapabilities":{"codecs":[{"clockRate":1e-400,"channels":123456789012345678901234567890}]}}]` }),
    () => ({ event: '42', label: 'numeric event name', body: '[42,{}]' }),
    () => ({ event: 'cameras:list', label: 'no payload', body: '["cameras:list"]' })
  ];
  const made = rng.pick(options)();
  return { ...made, expect: made.expect ?? 'answer' };
}

// ---------------------------------------------------------------------------------------------
// Attackers.

function newSlot(name: string, agency: Agency, joins: boolean, stream: number): Slot {
  return {
    name,
    agency,
    visible: visible[agency],
    joins,
    rng: new Rng((SEED + stream * 0x9e3779b1) >>> 0),
    socket: undefined,
    caps: undefined,
    transportId: undefined,
    consumerIds: [],
    excuseUntil: 0,
    inFlight: 0,
    wake: undefined
  };
}

/** Connects (again) and, for joining slots, joins and creates the receive transport. */
async function open(slot: Slot, tally: Tally): Promise<HubClient> {
  const socket = await t.client(tokens[slot.agency]);
  slot.socket = socket;
  slot.caps = undefined;
  slot.transportId = undefined;
  slot.consumerIds = [];
  socket.on('camera:consumer', (event) => {
    if (!slot.visible.has(event.cameraId)) tally.consumerLeaks.push(`${slot.name} (${slot.agency}) got a consumer of ${event.cameraId}`);
    slot.consumerIds.push(event.id);
  });
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') tally.dropped(slot, socket, reason);
  });
  if (slot.joins) {
    const join = await request(socket, 'media:join', {});
    assert.ok(join.ok, `${slot.name} joins: ${JSON.stringify(join)}`);
    slot.caps = join.data.routerRtpCapabilities as ms.RtpCapabilities;
    routerCaps ??= slot.caps;
    const transport = await request(socket, 'transport:create', {});
    assert.ok(transport.ok, `${slot.name} creates its transport: ${JSON.stringify(transport)}`);
    slot.transportId = transport.data.id;
  }
  return socket;
}

/** Emits as a client would, whatever the types say; what the client cannot encode is counted apart. */
function send(tally: Tally, slot: Slot, c: Case): void {
  const socket = slot.socket!;
  const emit = (...args: unknown[]) => (socket.emit as unknown as (...a: unknown[]) => void).apply(socket, args);
  if (c.ack !== 'function') {
    try {
      emit(c.event, ...c.args);
      tally.count(c.kind);
    } catch {
      tally.count('unencodable');
    }
    return;
  }
  // The ack cannot run before emit returns (it needs a round trip), so the id is set in time.
  let id = -1;
  try {
    emit(c.event, ...c.args, (...answer: unknown[]) => tally.answer(id, answer));
  } catch {
    tally.count('unencodable');
    return;
  }
  id = tally.track({ slot, socket, event: String(c.event), kind: c.kind, label: c.label, expect: c.expect });
}

/** Resolves true if `socket` is closed by the server within `ms`. */
/** Until every request the slot sent on `socket` is answered, or the socket is gone (no clock: a busy machine is only slower). */
async function drained(slot: Slot, socket: HubClient): Promise<void> {
  while (slot.inFlight > 0 && socket.connected) await sleep(20);
}

function droppedWithin(socket: HubClient, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function runRegular(slot: Slot, tally: Tally): Promise<void> {
  for (let i = 0; i < REGULAR_PAYLOADS && slot.socket?.connected; i++) {
    send(tally, slot, regularCase(slot.rng, slot));
    while (slot.inFlight >= WINDOW) {
      await new Promise<void>((resolve) => {
        slot.wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    if (i % 4 === 0) await yieldToLoop();
  }
}

/** Rounds of a few requests (a valid watch among them), then one payload at or past the limit. */
async function runOversize(slot: Slot, tally: Tally, outcomes: Map<string, number>): Promise<void> {
  const rng = slot.rng;
  for (let round = 0; round < OVERSIZE_ROUNDS; round++) {
    const socket = slot.socket?.connected ? slot.socket : await open(slot, tally);
    for (let i = 0; i < 4; i++) send(tally, slot, regularCase(rng, slot));
    send(tally, slot, { event: 'camera:watch', args: [validPayload(rng, slot, 'camera:watch')], ack: 'function', expect: 'answer', kind: 'valid', label: 'before oversize' });
    const [label, bytes] = rng.pick<[string, number]>([
      ['at-limit', maxPayloadBytes - rng.int(0, 24)],
      ['just-over', maxPayloadBytes + rng.int(1, 64)],
      ['far-over', maxPayloadBytes * rng.int(2, 8)]
    ]);
    const event = rng.pick(EVENTS);
    const payload = validPayload(rng, slot, event);
    const args =
      label !== 'at-limit' && rng.chance(0.25)
        ? [{ blob: randomBuffer(rng, bytes) }]
        : [withHugeString(rng, payload, bytes - encodedBytes(event, [payload]))];
    // The oversized payload alone in flight: the hub answers it (kept) or drops the socket, however long a busy machine takes.
    await drained(slot, socket);
    slot.excuseUntil = Infinity;
    send(tally, slot, { event, args, ack: 'function', expect: 'answer', kind: `oversize ${label}`, label: `${bytes} B` });
    await drained(slot, socket);
    bump(outcomes, `${label}:${socket.connected ? 'kept' : 'dropped'}`);
    // Kept: then it is a request like any other, and must be answered.
    slot.excuseUntil = 0;
  }
}

/** Rounds of hand-written packets (answers read off the wire), then one protocol violation. */
async function runRaw(slot: Slot, tally: Tally, outcomes: Map<string, number>, ackIdBase: number): Promise<void> {
  const rng = slot.rng;
  const ids = new Map<number, number>();
  let nextAckId = ackIdBase;
  for (let round = 0; round < RAW_ROUNDS; round++) {
    if (!slot.socket?.connected) {
      await open(slot, tally);
      slot.socket!.io.on('packet', (packet: { type: number; id?: number; data?: unknown }) => {
        const id = packet.type === 3 && packet.id !== undefined ? ids.get(packet.id) : undefined;
        if (id !== undefined) tally.answer(id, Array.isArray(packet.data) ? packet.data : [packet.data]);
      });
    }
    const socket = slot.socket!;
    for (let i = 0; i < RAW_BATCH; i++) {
      const packet = rawPacket(rng, slot);
      const ackId = nextAckId++;
      ids.set(ackId, tally.track({ slot, socket, event: packet.event, kind: 'raw', label: packet.label, expect: packet.expect }));
      socket.io.engine.write(`2${ackId}${packet.body}`);
      if (i % 4 === 0) await yieldToLoop();
    }
    await drained(slot, socket);
    const [label, violation] = rng.pick(PROTOCOL_VIOLATIONS);
    slot.excuseUntil = Date.now() + 5_000;
    const dropped = droppedWithin(socket, 1_000);
    socket.io.engine.write(violation);
    tally.count('protocol violation');
    bump(outcomes, `${label}:${(await dropped) ? 'dropped' : 'kept'}`);
    // Whatever the violation left behind (a half-read binary packet), start the next round clean.
    if (socket.connected) {
      slot.excuseUntil = 0;
      socket.disconnect();
    }
  }
}

/** Sends a hand-written event packet with an ack id; resolves with the ack's arguments (undefined if none comes within HANG_BOUND_MS). */
function rawRequest(socket: HubClient, body: string, ackId = RAW_ID_BASE * 10): Promise<unknown[] | undefined> {
  return new Promise((resolve) => {
    const onPacket = (packet: { type: number; id?: number; data?: unknown }) => {
      if (packet.type === 3 && packet.id === ackId) done(Array.isArray(packet.data) ? packet.data : [packet.data]);
    };
    const done = (answer: unknown[] | undefined) => {
      clearTimeout(timer);
      socket.io.off('packet', onPacket);
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), HANG_BOUND_MS);
    socket.io.on('packet', onPacket);
    socket.io.engine.write(`2${ackId}${body}`);
  });
}

type Admission = 'connect' | 'refuse' | 'either';

/** Tokens from a trusted issuer, correctly signed, whose claims are wrong. */
async function claimTokens(): Promise<Array<[label: string, token: string, expect: Admission]>> {
  const base = userClaims('seoul-119', ['*'], { purpose: 'dispatch-119' });
  const variants: Array<[string, Record<string, unknown>, Admission]> = [
    ['no purpose', { purpose: undefined }, 'either'],
    ['purpose of another agency', { purpose: 'audit' }, 'either'],
    ['purpose a number', { purpose: 42 }, 'refuse'],
    ['purpose an array', { purpose: ['dispatch-119'] }, 'refuse'],
    ['purpose padded', { purpose: 'dispatch-119 ' }, 'refuse'],
    ['purpose __proto__', { purpose: '__proto__' }, 'refuse'],
    ['role admin', { role: 'admin' }, 'refuse'],
    ['role missing', { role: undefined }, 'refuse'],
    ['agency of another issuer', { agency: 'gangnam-police' }, 'refuse'],
    ['agency an object', { agency: { id: 'seoul-119' } }, 'refuse'],
    ['scope a string', { scope: '*' }, 'refuse'],
    ['scope null', { scope: null }, 'refuse'],
    ['districts a string', { scope: { districts: '*', cameras: [] } }, 'refuse'],
    ['65 districts', { scope: { districts: Array.from({ length: 65 }, (_, i) => String(11000 + i)), cameras: [] } }, 'refuse'],
    ['scope extra key', { scope: { districts: ['*'], cameras: [], admin: true } }, 'refuse'],
    ['sub empty', { sub: '' }, 'refuse'],
    ['sub __proto__', { sub: '__proto__' }, 'either'],
    ['name 10 KB', { name: 'x'.repeat(10_000) }, 'refuse']
  ];
  return Promise.all(
    variants.map(async ([label, change, expect]): Promise<[string, string, Admission]> => {
      const claims: Record<string, unknown> = { ...base, ...change };
      for (const key of Object.keys(change)) if (change[key] === undefined) delete claims[key];
      return [`claims: ${label}`, await t.issuers.fire.sign(claims), expect];
    })
  );
}

/** Handshakes with every kind of `auth`: refused with a typed code, cut off when oversized, never left hanging. */
async function runHandshakes(rng: Rng, tally: Tally): Promise<{ outcomes: Map<string, number>; problems: string[] }> {
  const outcomes = new Map<string, number>();
  const problems: string[] = [];
  const valid = tokens.fire;
  const [h, p, s] = valid.split('.') as [string, string, string];
  const header = (json: string) => Buffer.from(json).toString('base64url');
  const variants: Array<[string, () => unknown, Admission]> = [
    ['no auth', () => ({}), 'refuse'],
    ['null token', () => ({ token: null }), 'refuse'],
    ['number token', () => ({ token: rng.pick([0, 42, -1, 1e308]) }), 'refuse'],
    ['boolean token', () => ({ token: true }), 'refuse'],
    ['array token', () => ({ token: [valid] }), 'refuse'],
    ['object token', () => ({ token: { token: valid, toString: valid } }), 'refuse'],
    ['empty token', () => ({ token: '' }), 'refuse'],
    ['random token', () => ({ token: randomValue(rng) }), 'refuse'],
    ['random string', () => ({ token: rng.string(rng.int(1, 300)) }), 'refuse'],
    ['three dots', () => ({ token: `${rng.string(10)}.${rng.string(10)}.${rng.string(10)}` }), 'refuse'],
    ['bearer prefix', () => ({ token: `Bearer ${valid}` }), 'refuse'],
    ['signature cut', () => ({ token: `${h}.${p}.` }), 'refuse'],
    ['signature of another token', () => ({ token: `${h}.${p}.${tokens.mapo.split('.')[2]}` }), 'refuse'],
    ['payload of another token', () => ({ token: `${h}.${tokens.gangnam.split('.')[1]}.${s}` }), 'refuse'],
    ['alg none', () => ({ token: unsignedToken({ ...userClaims('seoul-119', ['*'], { purpose: 'dispatch-119' }), iss: 'https://idp.fire.test', aud: 'golden-time-hub', exp: 2e9 }) }), 'refuse'],
    ['header alg none', () => ({ token: `${header('{"alg":"none","kid":"https://idp.fire.test-k1"}')}.${p}.${s}` }), 'refuse'],
    ['header alg HS256', () => ({ token: `${header('{"alg":"HS256","kid":"https://idp.fire.test-k1"}')}.${p}.${s}` }), 'refuse'],
    ['8 KiB token', () => ({ token: `${h}.${hugeString(rng, 8_192)}.${s}` }), 'refuse'],
    ['60 KiB token', () => ({ token: hugeString(rng, 60_000) }), 'refuse'],
    ['oversized auth', () => ({ token: hugeString(rng, maxPayloadBytes + rng.int(1, 4_096)) }), 'refuse'],
    ['deep auth', () => ({ token: deepNest(rng, rng.int(100, 3_000)) }), 'refuse'],
    ['proto auth', () => JSON.parse(`{"__proto__":{"token":"${valid}"}}`), 'refuse'],
    ['auth a string', () => valid, 'refuse'],
    ['auth an array', () => [valid], 'refuse'],
    ['valid (control)', () => ({ token: tokens[rng.pick(AGENCIES)] }), 'connect'],
    ...(await claimTokens()).map(([label, token, expect]): [string, () => unknown, Admission] => [label, () => ({ token }), expect])
  ];
  const attempt = async () => {
    const [label, make, expect] = rng.pick(variants);
    tally.count('handshake');
    // Socket.IO's connect timeout is only the bound on a hung handshake: generous, and told apart
    // from a cut-off connection, since a hub busy with the fuzz on a busy machine answers late.
    const socket = connect(t.hub.url, { auth: make() as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true, timeout: HANG_BOUND_MS });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('disconnect', () => resolve('cut off'));
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error: Error & { data?: { code?: unknown; message?: unknown } }) => {
        const data = error.data;
        if (!data) return resolve(error.message === 'timeout' ? 'no answer' : 'cut off');
        if (typeof data.code !== 'string' || !CODES.has(data.code)) problems.push(`${label}: refused with code ${JSON.stringify(data.code)}`);
        if (typeof data.message !== 'string' || STACK_TRACE.test(data.message)) problems.push(`${label}: refusal message ${JSON.stringify(data.message)?.slice(0, 200)}`);
        resolve(String(data.code));
      });
    });
    socket.disconnect();
    if (outcome === 'no answer') problems.push(`${label}: neither accepted nor refused within ${HANG_BOUND_MS} ms`);
    else if (expect === 'connect' && outcome !== 'connected') problems.push(`${label}: ${outcome}`);
    else if (expect === 'refuse' && outcome === 'connected') problems.push(`${label}: connected`);
    bump(outcomes, `${label} → ${outcome}`);
  };
  const lanes = 6;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = lane; i < HANDSHAKES; i += lanes) await attempt();
    })
  );
  return { outcomes, problems };
}

// ---------------------------------------------------------------------------------------------
// The legitimate users, watched while the fuzz runs.

interface FrameReport {
  decoded: number;
  presented: number;
  /** Longest time without a newly presented frame, by the page's own clock. */
  longestGapMs: number;
  /** The same from framesDecoded (the page polls getStats once a second: up to a second more). */
  longestDecodedGapMs: number;
  /** From the start of the watch to its end. */
  spanMs: number;
  states: Set<string>;
}

/**
 * Watches the viewer's tile from inside the page until stopped: every presented frame
 * (requestVideoFrameCallback) and, twice a second, framesDecoded and the tile's state. The page
 * keeps the record, so a test process starved by its own fuzz (it hosts the hub and the
 * attackers) cannot pass its own stalls off as gaps in the video.
 */
async function watchFrames(): Promise<{ stop(): Promise<FrameReport> }> {
  await viewer.page.evaluate(NAME_SHIM);
  await viewer.page.evaluate((cameraId) => {
    const video = document.querySelector<HTMLVideoElement>('video[data-tile]');
    const record = { start: performance.now(), presented: [] as number[], presentedFrames: [] as number[], decoded: [] as Array<{ at: number; value: number }>, states: [] as string[], running: true };
    const onFrame = (now: number, metadata: VideoFrameCallbackMetadata) => {
      if (!record.running) return;
      record.presented.push(now);
      // The callback may skip frames on a busy page; the counter does not.
      record.presentedFrames.push(metadata.presentedFrames);
      video?.requestVideoFrameCallback(onFrame);
    };
    video?.requestVideoFrameCallback(onFrame);
    const sample = () => {
      const tile = window.__gth?.tiles().find((x) => x.cameraId === cameraId);
      record.decoded.push({ at: performance.now(), value: tile?.framesDecoded ?? 0 });
      record.states.push(tile?.state ?? 'missing');
    };
    sample();
    const timer = setInterval(sample, 500);
    (window as unknown as { __fuzzWatch: unknown }).__fuzzWatch = { record, timer, sample };
  }, watchedCamera);
  return {
    async stop() {
      const report = await viewer.page.evaluate(() => {
        const { record, timer, sample } = (window as unknown as { __fuzzWatch: { record: { start: number; presented: number[]; presentedFrames: number[]; decoded: Array<{ at: number; value: number }>; states: string[]; running: boolean }; timer: number; sample: () => void } }).__fuzzWatch;
        sample();
        clearInterval(timer);
        record.running = false;
        const end = performance.now();
        // The longest stretch without a new frame, counting the start and the end of the watch.
        const longest = (times: number[]) => {
          let gap = 0;
          let last = record.start;
          for (const at of [...times, end]) {
            gap = Math.max(gap, at - last);
            last = at;
          }
          return Math.round(gap);
        };
        const rises = record.decoded.filter((d, i) => i > 0 && d.value > record.decoded[i - 1]!.value).map((d) => d.at);
        return {
          decoded: (record.decoded.at(-1)?.value ?? 0) - (record.decoded[0]?.value ?? 0),
          presented: (record.presentedFrames.at(-1) ?? 0) - (record.presentedFrames[0] ?? 0),
          longestGapMs: longest(record.presented),
          longestDecodedGapMs: longest(rises),
          spanMs: Math.round(end - record.start),
          states: [...new Set(record.states)]
        };
      });
      return { ...report, states: new Set(report.states) };
    }
  };
}

/** A bystander's `cameras:list`, every 100 ms until stopped. */
function keepListing(socket: HubClient, expected: number): { stop(): Promise<{ ok: number; failed: string[]; maxMs: number }> } {
  let running = true;
  const failed: string[] = [];
  let ok = 0;
  let maxMs = 0;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const answer = await Promise.race([request(socket, 'cameras:list', {}), sleep(ANSWER_TIMEOUT_MS).then(() => 'timeout' as const)]);
      maxMs = Math.max(maxMs, Date.now() - started);
      if (answer === 'timeout') failed.push('no answer');
      else if (!answer.ok) failed.push(`${answer.error.code}: ${answer.error.message}`);
      else if (answer.data.cameras.length !== expected) failed.push(`listed ${answer.data.cameras.length} cameras`);
      else ok++;
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ok, failed, maxMs };
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The hub, from outside.

/** mediasoup worker pids, as the hub reports them on /metrics (this hub is configured to). */
async function workerPids(): Promise<number[]> {
  return [...(await t.metrics()).matchAll(/gth_worker_cpu_ms\{pid="(\d+)"\}/g)].map((m) => Number(m[1])).sort();
}

/** One unlabelled series of the hub's /metrics. */
async function metric(name: string): Promise<number | undefined> {
  const match = new RegExp(`^${name}(?:\\{\\})? (\\S+)$`, 'm').exec(await t.metrics());
  return match ? Number(match[1]) : undefined;
}


// ---------------------------------------------------------------------------------------------

test(`≥ 10,000 random and malformed payloads: all answered with typed results, no crash, the viewer's video uninterrupted (seed ${SEED})`, { timeout: 15 * 60_000 }, async (ctx: TestContext) => {
  ctx.diagnostic(`fuzz seed ${SEED} (replay: GTH_FUZZ_SEED=${SEED})`);
  const tally = new Tally();
  const watch = new ProcessWatch();
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
  const pidsBefore = await workerPids();
  assert.ok(pidsBefore.length > 0, 'the hub reports its mediasoup workers');
  await t.hub.auditWriter.flush();
  const auditBefore = t.hub.audit.query({ limit: 1 }).total;

  const lister = await t.client(tokens.gangnam);
  const legitimateSessions = t.hub.viewers();
  const regular = Array.from({ length: REGULAR_SOCKETS }, (_, i) => newSlot(`regular-${i + 1}`, AGENCIES[i % AGENCIES.length]!, i % 3 !== 2, i + 1));
  const oversize = Array.from({ length: OVERSIZE_SOCKETS }, (_, i) => newSlot(`oversize-${i + 1}`, AGENCIES[i % AGENCIES.length]!, true, 100 + i));
  const raw = Array.from({ length: RAW_SOCKETS }, (_, i) => newSlot(`raw-${i + 1}`, 'fire', true, 200 + i));
  await Promise.all(regular.map((slot) => open(slot, tally)));

  const quiet = await watchFrames();
  await sleep(3_000);
  const baseline = await quiet.stop();

  const oversizeOutcomes = new Map<string, number>();
  const violationOutcomes = new Map<string, number>();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  watch.start();
  loopDelay.enable();
  const frames = await watchFrames();
  const listing = keepListing(lister, visible.gangnam.size);
  const started = Date.now();
  let handshakes: Awaited<ReturnType<typeof runHandshakes>>;
  try {
    [, , , handshakes] = await Promise.all([
      Promise.all(regular.map((slot) => runRegular(slot, tally))),
      Promise.all(oversize.map((slot) => runOversize(slot, tally, oversizeOutcomes))),
      Promise.all(raw.map((slot, i) => runRaw(slot, tally, violationOutcomes, RAW_ID_BASE * (i + 1)))),
      runHandshakes(new Rng(SEED ^ 0x5bd1e995), tally)
    ]);
    await tally.settle();
  } finally {
    loopDelay.disable();
    watch.stop();
  }
  const fuzzMs = Date.now() - started;
  const video = await frames.stop();
  const listed = await listing.stop();

  // The hub still takes a new session, and lets go of every attacker's.
  const newcomer = await t.client(tokens.mapo);
  const list = await request(newcomer, 'cameras:list', {});
  for (const slot of [...regular, ...oversize, ...raw]) slot.socket?.disconnect();
  const expectedLeft = { sessions: legitimateSessions + 1, consumers: 1, ingests: 1 };
  const holding = async () => ({ sessions: t.hub.viewers(), consumers: await metric('gth_consumers'), ingests: t.hub.streams.running });
  // The hub lets go as it handles the disconnects, late on a busy machine: waited for, within a bound.
  const leftBy = Date.now() + HANG_BOUND_MS;
  let left = await holding();
  while (JSON.stringify(left) !== JSON.stringify(expectedLeft) && Date.now() < leftBy) {
    await sleep(100);
    left = await holding();
  }
  const pidsAfter = await workerPids();
  // One expiry timer per live session; more are timers of sessions that are gone.
  const strayTimers = sessionTimers.armed() - t.hub.viewers();
  await t.hub.auditWriter.flush();
  const audit = { rows: t.hub.audit.query({ limit: 1 }).total - auditBefore, intact: t.hub.audit.verify().ok };
  // Before any assertion: a failure here must not leave sessions behind for the tests after it.
  newcomer.disconnect();
  lister.disconnect();

  const mustAnswer = tally.answered + tally.unanswered.length;
  const unansweredBy = new Map<string, number>();
  for (const p of tally.unanswered) bump(unansweredBy, KNOWN.has(p.event) ? p.kind : 'unknown-event');
  const excused = tally.drops.filter((d) => d.excused);

  ctx.diagnostic(
    `summary: payloads sent ${tally.sent} in ${(fuzzMs / 1000).toFixed(1)} s; requests with an ack to answer ${mustAnswer}, answered ${mustAnswer - tally.unanswered.length} ` +
      `(slowest ${tally.maxLatencyMs} ms), unanswered ${tally.unanswered.length}; disconnects ${tally.drops.length} (after an oversized payload or a protocol violation ${excused.length}, ` +
      `requests lost with them ${excused.reduce((n, d) => n + d.lost, 0)}); crashes ${watch.exceptions.length}; unhandled rejections ${watch.rejections.length}; ` +
      `worker deaths ${watch.workerDied}; viewer during the fuzz: ${video.decoded} frames decoded, ${video.presented} presented, longest gap ${video.longestGapMs} ms ` +
      `(framesDecoded flat at most ${video.longestDecodedGapMs} ms; quiet baseline ${baseline.longestGapMs} / ${baseline.longestDecodedGapMs} ms); ` +
      `bystander cameras:list ${listed.ok} ok, ${listed.failed.length} failed, slowest ${listed.maxMs} ms`
  );
  ctx.diagnostic(`answered by code: ${histogram(tally.byCode)}`);
  for (const [event, codes] of tally.byEvent) if (KNOWN.has(event)) ctx.diagnostic(`  ${event}: ${histogram(codes)}`);
  ctx.diagnostic(`payloads by kind: ${histogram(tally.byKind)}`);
  ctx.diagnostic(`oversized payloads: ${histogram(oversizeOutcomes)}`);
  ctx.diagnostic(`protocol violations: ${histogram(violationOutcomes)}`);
  ctx.diagnostic(`handshakes: ${histogram(handshakes!.outcomes)}`);
  ctx.diagnostic(`unanswered by kind: ${histogram(unansweredBy) || 'none'}`);
  ctx.diagnostic(`INTERNAL answers by request: ${histogram(tally.internalBy) || 'none'}; logged causes: ${histogram(watch.internalErrors) || 'none'}`);
  ctx.diagnostic(`longest error message ${tally.longestMessage.length} characters: ${tally.longestMessage.slice(0, 160)}`);
  ctx.diagnostic(`session expiry timers still armed for sessions that are gone: ${strayTimers} (see the session:refresh test)`);
  ctx.diagnostic(`event loop delay during the fuzz: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms; audit rows written ${audit.rows}, chain intact ${audit.intact}`);
  for (const p of tally.unanswered.slice(0, 5)) ctx.diagnostic(`unanswered: ${p.slot.name} ${describeRequest(p)}`);
  for (const d of tally.drops.filter((x) => !x.excused)) ctx.diagnostic(`unexpected disconnect: ${JSON.stringify(d)}`);
  for (const f of listed.failed.slice(0, 3)) ctx.diagnostic(`bystander failure: ${f}`);

  assert.ok(tally.sent >= 10_000 * Math.min(1, SCALE), `at least 10,000 payloads (${tally.sent})`);
  assert.equal(watch.exceptions.length, 0, `no uncaught exception in the hub process (${ProcessWatch.summary(watch.exceptions)})`);
  assert.equal(watch.rejections.length, 0, `no unhandled rejection in the hub process (${ProcessWatch.summary(watch.rejections)})`);
  assert.equal(watch.workerDied, 0, 'no mediasoup worker died');
  // The pool may have started another worker under the fuzz's load; none of those before was replaced.
  assert.ok(pidsBefore.every((pid) => pidsAfter.includes(pid)), `the same mediasoup workers run after the fuzz (${pidsBefore} → ${pidsAfter})`);
  assert.ok(pidsAfter.every(alive), 'every worker process is alive');
  assert.deepEqual(tally.problems, [], 'every answer is {ok:true,data} within scope, or {ok:false,error:{code,message}} with a known code and no stack');
  assert.deepEqual(tally.consumerLeaks, [], 'no consumer of a camera outside the session’s scope');
  assert.deepEqual(tally.drops.filter((d) => !d.excused), [], 'the hub drops a socket only after an oversized payload or a protocol violation');
  assert.equal(tally.unanswered.length, 0, `every request with an ack on a socket that stayed connected is answered: ${tally.unanswered.slice(0, 5).map((p) => `${p.slot.name} ${describeRequest(p)}`).join('; ')}`);
  assert.equal(tally.late, 0, `every answer within ${ANSWER_TIMEOUT_MS} ms`);
  // INTERNAL means the hub did not expect what happened (and logs it with its stack): no payload may cause it.
  assert.equal(tally.byCode.get('INTERNAL') ?? 0, 0, `no request is answered INTERNAL: ${histogram(tally.internalBy)}`);
  assert.ok(tally.longestMessage.length <= MESSAGE_LIMIT, `error messages stay short whatever the payload (${tally.longestMessage.length} characters: ${tally.longestMessage.slice(0, 200)}…)`);
  assert.deepEqual(handshakes!.problems, [], 'handshakes are refused with a typed code, and only valid tokens connect');
  assert.equal(Object.getOwnPropertyNames(Object.prototype).sort().join(','), prototypeKeys, 'Object.prototype is untouched');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  assert.deepEqual(listed.failed, [], 'the bystander is served throughout');
  assert.ok(listed.ok > 0, 'the bystander made requests during the fuzz');
  assert.ok(list.ok && list.data.cameras.length === visible.mapo.size, `a new session is served after the fuzz: ${JSON.stringify(list).slice(0, 200)}`);
  assert.deepEqual([...video.states], ['live'], 'the viewer’s tile stayed live');
  assert.ok(video.longestGapMs <= 2_000, `the viewer’s video never stalled for more than 2 s (longest ${video.longestGapMs} ms)`);
  assert.ok(video.longestDecodedGapMs <= 2_500, `framesDecoded kept rising (flat at most ${video.longestDecodedGapMs} ms, polled at 1 Hz)`);
  // Relative to the same viewer just before: the machine may be busy with more than this test.
  const fps = { quiet: baseline.presented / (baseline.spanMs / 1000), fuzz: video.presented / (video.spanMs / 1000) };
  assert.ok(fps.fuzz >= fps.quiet / 2, `the viewer kept at least half its frame rate (${fps.fuzz.toFixed(1)} fps during the fuzz, ${fps.quiet.toFixed(1)} before)`);
  assert.deepEqual(left, expectedLeft, 'after the attackers leave, the hub holds only the legitimate sessions, the viewer’s consumer and its camera’s ingest');
  assert.ok(audit.intact, 'the audit chain is intact after the fuzz');
});

test('regression: a camera:watch whose rtpCapabilities nest 10,000 deep (20 KB) does not crash the hub', async () => {
  const watch = new ProcessWatch();
  watch.start();
  try {
    const socket = await t.client(tokens.fire);
    const join = await request(socket, 'media:join', {});
    assert.ok(join.ok);
    assert.ok((await request(socket, 'transport:create', {})).ok);
    const codec = JSON.stringify(join.data.routerRtpCapabilities.codecs?.[0] ?? {});
    const camera = t.cameras.find((c) => c.id !== watchedCamera)!.id;
    // Written by hand, deeper than JSON.stringify goes; but socket.io-client itself sends
    // 3,500 levels, and mediasoup's structuredClone of the capabilities gives up at ≈ 3,300.
    const answer = await rawRequest(socket, `["camera:watch",{"cameraId":"${camera}","rtpCapabilities":{"codecs":[${codec},{"deep":${deepNestJson(10_000)}}]}}]`);
    assert.ok(answer, 'answered');
    const verdict = checkAck(answer, CODES);
    assert.ok(!('problem' in verdict), JSON.stringify(verdict));
    // The picture is set up after the answer: give it the time a consumer takes.
    await sleep(1_500);
    socket.disconnect();
  } finally {
    watch.stop();
  }
  assert.equal(watch.rejections.length, 0, `no unhandled rejection (${ProcessWatch.summary(watch.rejections)})`);
  assert.equal(watch.exceptions.length, 0, `no uncaught exception (${ProcessWatch.summary(watch.exceptions)})`);
});

test('regression: a session:refresh still being verified when its socket closes leaves no timer behind', async () => {
  // Only the Chromium viewer's session is left from the tests before.
  const alone = async () => {
    const by = Date.now() + HANG_BOUND_MS;
    while (t.hub.viewers() > 1 && Date.now() < by) await sleep(50);
    assert.equal(t.hub.viewers(), 1, 'only the viewer’s session is open');
  };
  await alone();
  const armedBefore = sessionTimers.armed();
  for (let i = 0; i < 5; i++) {
    const socket = await t.client(tokens.fire);
    (socket.emit as unknown as (...a: unknown[]) => void).call(socket, 'session:refresh', { token: tokens.fire }, () => undefined);
    // Gone while the hub verifies the token (a few ms of crypto).
    await sleep(1);
    socket.disconnect();
  }
  await alone();
  await sleep(200);
  assert.equal(sessionTimers.armed() - armedBefore, 0, 'no token-expiry timer is left armed for a session that has ended');
});

test('a socket refused for its rate is not read again until it could be served: what it sends meanwhile waits and is served', async () => {
  const held = await startTestHub({ cameras: 0, config: { webrtc: { workers: 1 }, signaling: { ratePerSecond: 1, rateBurst: 1 } } });
  try {
    const socket = await held.client(await held.token('mapo'));
    const [first, second] = await Promise.all([request(socket, 'cameras:list', {}), request(socket, 'cameras:list', {})]);
    assert.ok(first.ok, 'the burst of one is served');
    assert.equal(second.ok ? 'ok' : second.error.code, 'RATE_LIMITED', 'the second is refused: the bucket is empty');
    // Sent the moment the refusal arrived: read only once the bucket holds a token again, so it is
    // served. Answered at once, it would have found the bucket empty and been refused as well.
    const third = await request(socket, 'cameras:list', {});
    assert.equal(third.ok ? 'ok' : third.error.code, 'ok', 'the request sent during the hold waited for the refill');
    socket.disconnect();
  } finally {
    await held.close();
  }
});

test('the default limiter answers RATE_LIMITED once a socket spends its burst, and only that socket', async () => {
  const defaults = loadConfig({}).signaling;
  const limited = await startTestHub({ cameras: 0, config: { webrtc: { workers: 1 } } });
  try {
    const greedy = await limited.client(await limited.token('mapo'));
    const calm = await limited.client(await limited.token('fire'));
    const flood = defaults.rateBurst * 4;
    const startedAt = Date.now();
    // Garbage spends the bucket like valid requests: the limiter comes before parsing.
    const emit = (greedy.emit as unknown as (...a: unknown[]) => void).bind(greedy);
    const answers = await Promise.all(
      Array.from({ length: flood }, (_, i) =>
        i % 2 === 0 ? request(greedy, 'cameras:list', {}) : new Promise<unknown>((resolve) => emit('camera:watch', [i], (answer: unknown) => resolve(answer)))
      )
    );
    const elapsedS = (Date.now() - startedAt) / 1000;
    const codes = new Map<string, number>();
    for (const answer of answers) {
      const verdict = checkAck([answer], CODES);
      bump(codes, 'problem' in verdict ? 'MALFORMED' : verdict.ok ? 'ok' : verdict.code);
    }
    const served = flood - (codes.get('RATE_LIMITED') ?? 0);
    assert.deepEqual([...codes.keys()].filter((c) => !['ok', 'BAD_REQUEST', 'RATE_LIMITED'].includes(c)), [], histogram(codes));
    assert.ok(served >= defaults.rateBurst, `the burst is served (${histogram(codes)})`);
    assert.ok(served <= defaults.rateBurst + Math.ceil(defaults.ratePerSecond * elapsedS) + 1, `at most burst + rate × time is served (${histogram(codes)} in ${elapsedS.toFixed(2)} s)`);
    assert.ok((await request(calm, 'cameras:list', {})).ok, 'another socket is not limited');
    await sleep(1_000);
    assert.ok((await request(greedy, 'cameras:list', {})).ok, 'the bucket refills');
    greedy.disconnect();
    calm.disconnect();
  } finally {
    await limited.close();
  }
});
