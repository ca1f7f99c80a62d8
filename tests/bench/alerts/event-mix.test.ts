import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertEventSchema } from '../../../server/protocol/alerts.ts';
import { eventMix, stamp } from './event-mix.ts';

const places = [
  { id: 'cam-a', lat: 37.4979, lon: 127.0276 },
  { id: 'cam-b', lat: 37.5572, lon: 126.9245 }
];

test('every event of the mix is one the hub accepts by its schema, and each alarm is a new … end script', () => {
  const mix = eventMix({ count: 2_000, places, waterSites: ['site-1'] });
  assert.equal(mix.events.length, 2_000);
  for (const { body } of mix.events) assert.ok(alertEventSchema.safeParse(stamp(body)).success, JSON.stringify(body));
  assert.ok(Object.values(mix.byKind).every((n) => n > 0), `every kind is in the mix: ${JSON.stringify(mix.byKind)}`);
  const phases = new Map<string, string[]>();
  for (const { body, retry } of mix.events) if (!retry) phases.set(body.sourceEventId, [...(phases.get(body.sourceEventId) ?? []), body.phase]);
  assert.deepEqual(mix.alarms.sort(), [...phases.keys()].filter((id) => phases.get(id)![0] === 'new').sort(), 'an alarm per script that began');
  for (const [id, seen] of phases) {
    assert.equal(seen[0], 'new', `${id} starts with new`);
    assert.ok(seen.slice(1, -1).every((p) => p === 'update'), `${id} updates between`);
  }
  assert.ok([...phases.values()].some((seen) => seen.at(-1) === 'end'), 'scripts end');
});

test('a retry is its original sent again at once: a new with the same body', () => {
  const mix = eventMix({ count: 3_000, places, waterSites: [] });
  const retries = mix.events.flatMap((e, i) => (e.retry ? [i] : []));
  assert.ok(retries.length > 0);
  for (const i of retries) {
    assert.equal(mix.events[i]!.body.phase, 'new');
    assert.equal(mix.events[i]!.body, mix.events[i - 1]!.body);
  }
  assert.equal(mix.byKind.water, 0, 'no water without sites');
});

test('mixes with their own prefix share no sourceEventId, and the same seed gives the same mix', () => {
  const a = eventMix({ count: 500, places, waterSites: [], prefix: 'warm', seed: 7 });
  const b = eventMix({ count: 500, places, waterSites: [] });
  assert.ok(!a.alarms.some((id) => b.alarms.includes(id)));
  assert.deepEqual(eventMix({ count: 500, places, waterSites: [] }).events.map((e) => e.body.sourceEventId), b.events.map((e) => e.body.sourceEventId));
});
