import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { prepareJson } from './http.ts';

test('a prepared body is the JSON of the value, however its columns are sliced, and its gzip is the same bytes', async () => {
  const column = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `id-${i},]["` : i % 3 === 1 ? i / 7 : { at: [i, null] }));
  const value = { count: 3, empty: [], one: column(1), edge: column(8_192), over: column(8_193), many: column(3 * 8_192 + 5), skipped: undefined, name: '카메라' };
  const prepared = await prepareJson(value);
  assert.equal(prepared.raw.toString(), JSON.stringify(value));
  assert.deepEqual(gunzipSync(prepared.gzip), prepared.raw);
});
