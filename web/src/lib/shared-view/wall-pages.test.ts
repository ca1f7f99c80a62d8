import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShownTile } from './shared-view.svelte.ts';
import { parseWallOptions, wallPages } from './wall-pages.ts';
import { camera } from './test-fixtures.ts';

const cam = (id: string): ShownTile => ({ kind: 'camera', camera: camera(id) });
const EMPTY: ShownTile = { kind: 'empty' };
const WITHHELD: ShownTile = { kind: 'withheld' };

test('without paging the wall shows the whole layout on one page', () => {
  assert.deepEqual(wallPages([cam('a'), EMPTY, EMPTY, cam('b')], null), [[0, 1, 2, 3]]);
});

test('paging shows the tiles that hold something, `per` at a time, never an empty page', () => {
  const tiles = [cam('a'), EMPTY, WITHHELD, cam('b'), EMPTY, cam('c'), cam('d'), cam('e'), EMPTY];
  assert.deepEqual(wallPages(tiles, 4), [[0, 2, 3, 5], [6, 7]]);
  assert.deepEqual(wallPages(tiles, 9), [[0, 2, 3, 5, 6, 7]]);
  assert.deepEqual(wallPages([EMPTY, EMPTY, EMPTY, EMPTY], 1), [[0]], 'an empty view still shows a tile');
});

test('the address sets the map, the page size and the dwell time, within bounds', () => {
  assert.deepEqual(parseWallOptions(new URLSearchParams('')), { map: false, per: null, dwellMs: 15_000 });
  assert.deepEqual(parseWallOptions(new URLSearchParams('map=1&per=4&dwell=10')), { map: true, per: 4, dwellMs: 10_000 });
  assert.deepEqual(parseWallOptions(new URLSearchParams('per=5&dwell=0.5')), { map: false, per: null, dwellMs: 3_000 });
  assert.equal(parseWallOptions(new URLSearchParams('dwell=abc')).dwellMs, 15_000);
});
