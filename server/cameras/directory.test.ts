import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listPage, type ListedCamera } from './directory.ts';

const DISTRICTS = [
  { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' },
  { code: '11440', name: '마포구', nameEn: 'Mapo-gu' },
  { code: '11110', name: '종로구', nameEn: 'Jongno-gu' }
];

/** 30 cameras, round-robin over three 구; every third one is on 테헤란로. */
const cameras: ListedCamera[] = Array.from({ length: 30 }, (_, i) => ({
  id: `SYN-${DISTRICTS[i % 3]!.code}-${String(i).padStart(4, '0')}`,
  name: i % 3 === 0 ? `테헤란로 ${i}` : `합성데이터로 ${i}`,
  nameEn: `Camera ${i} (Crime prevention)`,
  district: DISTRICTS[i % 3]!
}));
const all = () => true;

test('a page is a slice in registry order, with the total and counts per 구 in 가나다 order', () => {
  const page = listPage(cameras, all, { offset: 5, limit: 10 });
  assert.equal(page.total, 30);
  assert.equal(page.matched, 30);
  assert.deepEqual(page.cameras, cameras.slice(5, 15));
  assert.deepEqual(page.districts.map((d) => [d.name, d.count]), [['강남구', 10], ['마포구', 10], ['종로구', 10]]);
});

test('pages put together give every camera exactly once; past the end is empty', () => {
  const seen: string[] = [];
  for (let offset = 0; offset < 40; offset += 7) seen.push(...listPage(cameras, all, { offset, limit: 7 }).cameras.map((c) => c.id));
  assert.deepEqual(seen, cameras.map((c) => c.id));
  assert.deepEqual(listPage(cameras, all, { offset: 30, limit: 7 }).cameras, []);
});

test('a district filter pages that 구 only; counts stay for every 구', () => {
  const page = listPage(cameras, all, { district: '11440', offset: 0, limit: 100 });
  assert.equal(page.matched, 10);
  assert.ok(page.cameras.every((c) => c.district.code === '11440'));
  assert.equal(page.districts.length, 3);
});

test('a query matches the name, the English name or the id, case-insensitively, and narrows the counts', () => {
  const byName = listPage(cameras, all, { query: ' 테헤란 ', offset: 0, limit: 100 });
  assert.equal(byName.matched, 10);
  assert.equal(byName.total, 30, 'the total is the scope, not the matches');
  assert.deepEqual(byName.districts.map((d) => [d.code, d.count]), [['11680', 10]]);
  assert.equal(listPage(cameras, all, { query: 'syn-11110', offset: 0, limit: 100 }).matched, 10);
  assert.equal(listPage(cameras, all, { query: 'CAMERA 7 ', offset: 0, limit: 100 }).matched, 1);
  assert.equal(listPage(cameras, all, { query: 'nothing like it', offset: 0, limit: 100 }).matched, 0);
});

test('what is not visible is neither listed nor counted', () => {
  const gangnamOnly = (c: ListedCamera) => c.district.code === '11680';
  const page = listPage(cameras, gangnamOnly, { offset: 0, limit: 100 });
  assert.equal(page.total, 10);
  assert.deepEqual(page.districts.map((d) => d.code), ['11680']);
  assert.ok(page.cameras.every(gangnamOnly));
  assert.equal(listPage(cameras, gangnamOnly, { district: '11440', offset: 0, limit: 100 }).matched, 0);
});
