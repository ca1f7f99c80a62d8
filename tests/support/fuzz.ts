/**
 * Building blocks for fuzzing the signaling edge: a seeded PRNG (a failing run is replayed
 * from its printed seed), random JSON-ish values of every type, the classic nasty strings and
 * keys, deep nesting, huge strings, and one-field mutations of a valid payload.
 *
 *   const rng = new Rng(seed);
 *   const { value, label } = mutateOne(rng, { cameraId: 'cam-1', rtpCapabilities });
 *
 * Everything here is pure: no sockets, no hub.
 */

/** sfc32: small, fast, and good enough to pick test cases; a 32-bit seed reproduces a run. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(readonly seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let at = this.next() * total;
    for (const [value, weight] of items) {
      at -= weight;
      if (at < 0) return value;
    }
    return items[items.length - 1]![0];
  }

  string(length: number, alphabet: string = ALPHABET): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** Looks like a UUID v4 (the schemas' id format), but is nobody's id. */
  uuid(): string {
    const hex = () => this.string(1, '0123456789abcdef');
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-4${part(3)}-${this.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
  }
}

/** Printable ASCII, some Hangul and emoji, whitespace and a NUL: what random strings are made of. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:/\\"\'{}[]<>%$#@!?&*=+~`|;,\t\n\u0000강남구마포😀';

export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\uffff',
  '😀',
  '강남구 CCTV',
  '%s%s%s%n',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '../../../../etc/passwd',
  'rtsp://admin:admin@10.0.0.1/stream',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x41',
  '9'.repeat(400),
  '__proto__',
  'constructor',
  'prototype',
  'cam-11680-004 ',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
  'video/H264',
  'sha-256',
  'a'.repeat(65),
  'a'.repeat(8193)
];

/** Keys that trip up naive object handling: prototype keys, array-like keys, thenables. */
export const NASTY_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'then',
  'toJSON',
  'length',
  '0',
  '',
  ' '
];

/** Numbers that are valid JS but odd on the wire (NaN and ±Infinity become null in JSON). */
export const ODD_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  2 ** 32 + 1,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e308,
  NaN,
  Infinity,
  -Infinity
];

/** An object with an own, enumerable property named `key` (also for `__proto__`, which JSON sends). */
export function withOwnKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** A random value of any JSON type (plus the odd numbers and, when `binary`, a Buffer). */
export function randomValue(rng: Rng, options: { depth?: number; binary?: boolean } = {}): unknown {
  const depth = options.depth ?? 0;
  const nested = depth < 4;
  const kind = rng.weighted<string>([
    ['null', 1],
    ['undefined', 0.5],
    ['boolean', 1],
    ['int', 1.5],
    ['odd-number', 1.5],
    ['string', 2],
    ['nasty-string', 2],
    ['array', nested ? 1.5 : 0],
    ['object', nested ? 2 : 0],
    ['buffer', options.binary ? 0.5 : 0]
  ]);
  switch (kind) {
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'boolean':
      return rng.chance(0.5);
    case 'int':
      return rng.int(-1000, 100_000);
    case 'odd-number':
      return rng.pick(ODD_NUMBERS);
    case 'string':
      return rng.string(rng.int(0, 40));
    case 'nasty-string':
      return rng.pick(NASTY_STRINGS);
    case 'array':
      return Array.from({ length: rng.int(0, 6) }, () => randomValue(rng, { ...options, depth: depth + 1 }));
    case 'buffer':
      return randomBuffer(rng, rng.int(0, 2048));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(0, 6); i > 0; i--) {
        const key = rng.chance(0.3) ? rng.pick(NASTY_KEYS) : rng.string(rng.int(1, 12));
        withOwnKey(out, key, randomValue(rng, { ...options, depth: depth + 1 }));
      }
      return out;
    }
  }
}

export function randomBuffer(rng: Rng, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buffer[i] = rng.int(0, 255);
  return buffer;
}

/** `depth` levels of arrays, objects or both, built without recursion. */
export function deepNest(rng: Rng, depth: number, leaf: unknown = 0): unknown {
  let value: unknown = leaf;
  const kind = rng.pick(['array', 'object', 'mixed'] as const);
  for (let i = 0; i < depth; i++) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    value = asArray ? [value] : { a: value };
  }
  return value;
}

/** The same nesting as JSON text, for raw packets deeper than JSON.stringify can go. */
export function deepNestJson(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? `${'['.repeat(depth)}0${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
}

/** A string of about `bytes` UTF-8 bytes (ASCII or Hangul), cheap to build. */
export function hugeString(rng: Rng, bytes: number): string {
  if (rng.chance(0.3)) return '강'.repeat(Math.floor(bytes / 3));
  const chunk = rng.string(64, 'abcdefghijklmnopqrstuvwxyz0123456789');
  return chunk.repeat(Math.ceil(bytes / 64)).slice(0, bytes);
}

type Path = ReadonlyArray<string | number>;

/** Every path into `value` (objects and arrays), the root included; at most `limit`. */
export function paths(value: unknown, limit = 400): Path[] {
  const out: Path[] = [[]];
  const queue: Array<{ at: unknown; path: Path }> = [{ at: value, path: [] }];
  while (queue.length > 0 && out.length < limit) {
    const { at, path } = queue.shift()!;
    if (at === null || typeof at !== 'object' || Buffer.isBuffer(at)) continue;
    const entries: Array<[string | number, unknown]> = Array.isArray(at) ? at.map((v, i) => [i, v]) : Object.entries(at);
    for (const [key, child] of entries) {
      out.push([...path, key]);
      queue.push({ at: child, path: [...path, key] });
    }
  }
  return out;
}

export const MUTATIONS = [
  'random-value',
  'number-as-string',
  'string-as-number',
  'wrap-in-array',
  'object-to-array',
  'array-to-object',
  'delete',
  'null',
  'odd-number',
  'nasty-string',
  'long-string',
  'deep',
  'proto-key',
  'extra-key',
  'buffer',
  'empty'
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/**
 * A deep copy of `valid` with one value changed (a field, an array element, or the whole).
 * `label` says what changed, e.g. `rtpCapabilities.codecs.0.clockRate:number-as-string`.
 */
export function mutateOne(rng: Rng, valid: unknown): { value: unknown; label: string } {
  const root = structuredClone(valid);
  const path = rng.pick(paths(root));
  const mutation = rng.pick(MUTATIONS);
  const current = getAt(root, path);
  const next = applyMutation(rng, mutation, current);
  const label = `${path.join('.') || '(payload)'}:${mutation}`;
  if (path.length === 0) return { value: next === DELETE ? undefined : next, label };
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const key = path[path.length - 1]!;
  if (next === DELETE) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete (parent as Record<string | number, unknown>)[key];
  } else {
    (parent as Record<string | number, unknown>)[key] = next;
  }
  return { value: root, label };
}

const DELETE = Symbol('delete');

function getAt(root: unknown, path: Path): unknown {
  let at = root;
  for (const key of path) at = (at as Record<string | number, unknown>)[key];
  return at;
}

function applyMutation(rng: Rng, mutation: Mutation, current: unknown): unknown {
  switch (mutation) {
    case 'random-value':
      return randomValue(rng);
    case 'number-as-string':
      return typeof current === 'number' ? String(current) : String(rng.int(0, 100_000));
    case 'string-as-number':
      return typeof current === 'string' && current !== '' && !Number.isNaN(Number(current)) ? Number(current) : rng.pick(ODD_NUMBERS);
    case 'wrap-in-array':
      return [current];
    case 'object-to-array':
      return current && typeof current === 'object' ? Object.values(current) : [current];
    case 'array-to-object':
      return Array.isArray(current) ? { ...current } : { value: current };
    case 'delete':
      return DELETE;
    case 'null':
      return null;
    case 'odd-number':
      return rng.pick(ODD_NUMBERS);
    case 'nasty-string':
      return rng.pick(NASTY_STRINGS);
    case 'long-string':
      return rng.string(rng.int(65, 9000), 'abcdef0123456789');
    case 'deep':
      return deepNest(rng, rng.int(20, 800), current ?? 0);
    case 'proto-key': {
      const target = current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as object) } : {};
      return withOwnKey(target, rng.pick(['__proto__', 'constructor', 'prototype']), rng.chance(0.5) ? { polluted: true, isAdmin: true } : { prototype: { polluted: true } });
    }
    case 'extra-key': {
      const target = current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as object) } : {};
      return withOwnKey(target, rng.chance(0.5) ? rng.pick(NASTY_KEYS) : rng.string(6), randomValue(rng));
    }
    case 'buffer':
      return randomBuffer(rng, rng.int(0, 512));
    case 'empty':
      return Array.isArray(current) ? [] : typeof current === 'string' ? '' : {};
  }
}

/** Event names a client might send that the hub does not serve. */
export function unknownEventName(rng: Rng, known: readonly string[]): string {
  return rng.weighted<() => string>([
    [() => rng.pick(['error', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'emit', 'on', 'then']), 2],
    [() => rng.pick(['session:ended', 'camera:consumer', 'camera:state', 'consumer:closed', 'admin:shutdown', 'cameras:add', 'media:leave']), 2],
    [() => { const name = rng.pick(known); return rng.pick([name.toUpperCase(), `${name} `, ` ${name}`, `${name}\u0000`, `${name}:x`, name.replace(':', '.')]); }, 3],
    [() => rng.pick(['', ' ', '😀', '강남', '*', '#', '/', '..']), 1],
    [() => rng.string(rng.int(1, 40)), 2],
    [() => rng.string(rng.int(1000, 4000)), 0.3]
  ])();
}

/** What a stack trace looks like in a message (a frame, a file position, a dependency path). */
export const STACK_TRACE = /\n\s+at\s|\bat\s+\S+\s\(?(?:file:|node:|\/)\S*:\d+:\d+|node_modules\//;

export type AckVerdict = { ok: true; data: unknown } | { ok: false; code: string; message: string } | { problem: string };

/**
 * Checks the arguments an ack was called with against the hub's contract: exactly one argument,
 * `{ok:true,data}` or `{ok:false,error:{code,message}}` with no other keys, a known code, and a
 * non-empty message without a stack trace.
 */
export function checkAck(args: readonly unknown[], codes: ReadonlySet<string>): AckVerdict {
  if (args.length !== 1) return { problem: `ack called with ${args.length} arguments` };
  const result = args[0] as Record<string, unknown> | null;
  if (!result || typeof result !== 'object' || Array.isArray(result)) return { problem: `answer is not an object: ${JSON.stringify(result)?.slice(0, 200)}` };
  const keys = Object.keys(result).sort().join(',');
  if (result.ok === true) return keys === 'data,ok' ? { ok: true, data: result.data } : { problem: `ok answer has keys ${keys}` };
  if (result.ok !== false || keys !== 'error,ok') return { problem: `answer is neither ok nor an error: ${JSON.stringify(result).slice(0, 200)}` };
  const error = result.error as Record<string, unknown> | null;
  if (!error || typeof error !== 'object') return { problem: 'error is not an object' };
  if (Object.keys(error).sort().join(',') !== 'code,message') return { problem: `error has keys ${Object.keys(error).join(',')}` };
  if (typeof error.code !== 'string' || !codes.has(error.code)) return { problem: `unknown error code ${JSON.stringify(error.code)}` };
  if (typeof error.message !== 'string' || error.message.length === 0) return { problem: 'error message missing' };
  if (STACK_TRACE.test(error.message)) return { problem: `stack trace in message: ${error.message.slice(0, 300)}` };
  return { ok: false, code: error.code, message: error.message };
}

/**
 * Socket.IO packets (as engine.io message payloads) that break the protocol: bad JSON (NaN),
 * wrong shapes, reserved names, unknown namespaces and packet types, stray acks and binary
 * attachments. A server may drop the connection for any of them, and must do nothing worse.
 */
export const PROTOCOL_VIOLATIONS: ReadonlyArray<readonly [label: string, packet: string | Buffer]> = [
  ['NaN in JSON', '2["cameras:list",{"n":NaN}]'],
  ['truncated JSON', '2["cameras:list",{'],
  ['object instead of array', '2{"event":"cameras:list"}'],
  ['reserved event name', '2["disconnecting",{}]'],
  ['unknown namespace', '2/admin,["cameras:list",{}]'],
  ['connect to unknown namespace', '0/admin,{}'],
  ['unknown packet type', '9["cameras:list",{}]'],
  ['ack for nothing', '3123456789[{"ok":true}]'],
  ['huge ack id', '2999999999999999999999999["cameras:list",{}]'],
  ['placeholder out of range', '51-["cameras:list",{"_placeholder":true,"num":7}]'],
  ['binary without header', Buffer.from([0xde, 0xad, 0xbe, 0xef])],
  ['empty packet', '']
];
