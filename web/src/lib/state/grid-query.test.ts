import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGridQuery, layoutFor, parseGridQuery } from './grid-query.ts';

const parse = (query: string) => parseGridQuery(new URLSearchParams(query));

test('a deep link fills the grid in order', () => {
  assert.deepEqual(parse('layout=4&cams=a,b,c'), { layout: 4, slots: ['a', 'b', 'c', null] });
});

test('an empty entry keeps its tile free', () => {
  assert.deepEqual(parse('layout=4&cams=a,,c'), { layout: 4, slots: ['a', null, 'c', null] });
});

test('without a valid layout, the smallest one that holds the cameras', () => {
  assert.equal(parse('cams=a,b,c,d,e').layout, 9);
  assert.equal(parse('layout=5&cams=a').layout, 1);
  assert.equal(parse('').layout, 4);
  assert.equal(layoutFor(17), 16);
});

test('more cameras than tiles: the extra ones are dropped', () => {
  assert.deepEqual(parse('layout=1&cams=a,b'), { layout: 1, slots: ['a'] });
});

test('invalid and repeated ids leave their tile free', () => {
  assert.deepEqual(parse('layout=4&cams=a,a,<script>,d'), { layout: 4, slots: ['a', null, null, 'd'] });
});

test('format is the inverse of parse, with readable commas', () => {
  const query = formatGridQuery({ layout: 9, slots: ['cam-1', null, 'cam-3', null, null, null, null, null, null] });
  assert.equal(query, 'layout=9&cams=cam-1,,cam-3');
  assert.deepEqual(parse(query).slots.slice(0, 3), ['cam-1', null, 'cam-3']);
  assert.equal(formatGridQuery({ layout: 4, slots: [null, null, null, null] }), 'layout=4');
});
