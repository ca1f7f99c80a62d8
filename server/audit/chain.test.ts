import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENESIS_HASH, canonicalJson, recordHash } from './chain.ts';

test('canonical JSON: keys sorted by code units at every depth, no whitespace, undefined left out', () => {
  assert.equal(canonicalJson({ b: 1, 10: 1, 2: 1, a: { d: [3, undefined, { f: 1, e: 2 }], c: undefined } }), '{"10":1,"2":1,"a":{"d":[3,null,{"e":2,"f":1}]},"b":1}');
  assert.equal(canonicalJson({ n: Number.NaN, d: new Date(0), s: '한글 "q"' }), '{"d":"1970-01-01T00:00:00.000Z","n":null,"s":"한글 \\"q\\""}');
  assert.throws(() => canonicalJson({ n: 1n }), TypeError);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = [cyclic];
  assert.throws(() => canonicalJson(cyclic), TypeError);
  const shared = { x: 1 };
  assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}', 'a value seen twice is not a cycle');
});

test('golden vector: the hash format stays what existing logs were written with', () => {
  // Also: printf '%s\n%s' "$(printf '0%.0s' {1..64})" '<the JSON below>' | sha256sum
  const record = {
    seq: 1,
    at: 1740787200000,
    action: 'view.start',
    outcome: 'allowed',
    subject: '김철수',
    cameraId: 'cam-a',
    purpose: '실종 아동 수색',
    detail: { grantId: 'g-1', b: [1, 'x'] }
  } as const;
  assert.equal(
    canonicalJson(record),
    '{"action":"view.start","at":1740787200000,"cameraId":"cam-a","detail":{"b":[1,"x"],"grantId":"g-1"},"outcome":"allowed","purpose":"실종 아동 수색","seq":1,"subject":"김철수"}'
  );
  assert.equal(recordHash(GENESIS_HASH, record), 'b17b605e93a96f959e572fe3401d63ec2317687e93e5f44f1382acdfbefba5b6');
  assert.equal(recordHash(GENESIS_HASH, { ...record, extra: 'ignored' } as typeof record), recordHash(GENESIS_HASH, record), 'only known fields are hashed');
});
