import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubHasDevControls } from './dev-api.ts';

test('the hub is asked once a page load whether it has development controls; an unreachable hub is asked again', async () => {
  const asked: string[] = [];
  const down: typeof fetch = async (input) => {
    asked.push(String(input));
    throw new TypeError('connection refused');
  };
  assert.equal(await hubHasDevControls(down), false, 'out of reach: none shown');
  const production: typeof fetch = async (input) => {
    asked.push(String(input));
    return new Response(JSON.stringify({ ok: true, demoAgencies: [] }), { status: 200 });
  };
  assert.equal(await hubHasDevControls(production), false, 'production loads no demo agencies');
  assert.equal(await hubHasDevControls(production), false);
  assert.deepEqual(asked, ['/healthz', '/healthz'], 'asked again after the failure, then kept');
});
