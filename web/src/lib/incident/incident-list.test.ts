import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterChange, withIncident } from './incident-list.ts';
import { incident } from './test-fixtures.ts';

const ids = (list: Array<{ id: string }>) => list.map((i) => i.id);

test('a new or updated incident goes first, listed once', () => {
  const list = [incident('a'), incident('b'), incident('c')];
  assert.deepEqual(ids(withIncident(list, incident('d'))), ['d', 'a', 'b', 'c']);
  assert.deepEqual(ids(withIncident(list, incident('b'))), ['b', 'a', 'c']);
  assert.deepEqual(ids(list), ['a', 'b', 'c'], 'the list given is not changed');
});

test('a live change lists an opened or renewed incident and drops a closed one', () => {
  const list = [incident('a'), incident('b')];
  assert.deepEqual(ids(afterChange(list, { change: 'opened', incident: incident('c') })), ['c', 'a', 'b']);
  assert.deepEqual(ids(afterChange(list, { change: 'renewed', incident: incident('b') })), ['b', 'a']);
  assert.deepEqual(ids(afterChange(list, { change: 'closed', incident: incident('a', 'closed') })), ['b']);
  assert.deepEqual(ids(afterChange(list, { change: 'closed', incident: incident('z', 'closed') })), ['a', 'b']);
});
