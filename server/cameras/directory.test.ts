import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CameraDirectory, type ListedCamera, type ListQuery, type PositionSet } from './directory.ts';

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
const directory = new CameraDirectory(cameras);

/** The cameras `visible` accepts, as the position set a session's scope gives the directory. */
function visibleOf(visible: (camera: ListedCamera) => boolean): PositionSet {
  const positions = Uint32Array.from(cameras.flatMap((camera, i) => (visible(camera) ? [i] : [])));
  return { count: positions.length, positions, has: (position) => positions.includes(position) };
}
const list = (visible: (camera: ListedCamera) => boolean, query: ListQuery) => directory.list(visibleOf(visible), query);

test('a page is a slice in registry order, with the total and counts per 구 in 가나다 order', () => {
  const page = list(all, { offset: 5, limit: 10 });
  assert.equal(page.total, 30);
  assert.equal(page.matched, 30);
  assert.deepEqual(page.cameras, cameras.slice(5, 15));
  assert.deepEqual(page.districts.map((d) => [d.name, d.count]), [['강남구', 10], ['마포구', 10], ['종로구', 10]]);
});

test('pages put together give every camera exactly once; past the end is empty', () => {
  const seen: string[] = [];
  for (let offset = 0; offset < 40; offset += 7) seen.push(...list(all, { offset, limit: 7 }).cameras.map((c) => c.id));
  assert.deepEqual(seen, cameras.map((c) => c.id));
  assert.deepEqual(list(all, { offset: 30, limit: 7 }).cameras, []);
});

test('a district filter pages that 구 only; counts stay for every 구', () => {
  const page = list(all, { district: '11440', offset: 0, limit: 100 });
  assert.equal(page.matched, 10);
  assert.ok(page.cameras.every((c) => c.district.code === '11440'));
  assert.equal(page.districts.length, 3);
});

test('a query matches the name, the English name or the id, case-insensitively, and narrows the counts', () => {
  const byName = list(all, { query: ' 테헤란 ', offset: 0, limit: 100 });
  assert.equal(byName.matched, 10);
  assert.equal(byName.total, 30, 'the total is the scope, not the matches');
  assert.deepEqual(byName.districts.map((d) => [d.code, d.count]), [['11680', 10]]);
  assert.equal(list(all, { query: 'syn-11110', offset: 0, limit: 100 }).matched, 10);
  assert.equal(list(all, { query: 'CAMERA 7 ', offset: 0, limit: 100 }).matched, 1);
  assert.equal(list(all, { query: 'nothing like it', offset: 0, limit: 100 }).matched, 0);
});

test('what is not visible is neither listed nor counted', () => {
  const gangnamOnly = (c: ListedCamera) => c.district.code === '11680';
  const page = list(gangnamOnly, { offset: 0, limit: 100 });
  assert.equal(page.total, 10);
  assert.deepEqual(page.districts.map((d) => d.code), ['11680']);
  assert.ok(page.cameras.every(gangnamOnly));
  assert.equal(list(gangnamOnly, { district: '11440', offset: 0, limit: 100 }).matched, 0);
});

test('a search finds exactly what a substring test on each camera finds, whatever the needle', () => {
  const needles = ['1', '0', 'syn', 'SYN-11', '-00', 'ra', '로 2', '(crime', 'prevention)', 'n)', 'u', '\u0000', 'x'.repeat(99), 'camera 29'];
  for (const needle of needles) {
    const brute = cameras.flatMap((c, i) => ([c.name, c.nameEn, c.id].some((field) => field.toLowerCase().includes(needle.trim().toLowerCase())) ? [i] : []));
    assert.deepEqual([...directory.search(needle)], brute, needle);
    assert.deepEqual([...directory.search(needle)], brute, `${needle} (kept)`);
  }
});

test('a set listed again pages from its grouping alike; an answer changed by its caller changes no later one', () => {
  const visible = visibleOf((camera) => camera.district.code !== '11110');
  const first = directory.list(visible, { district: '11680', offset: 2, limit: 3 });
  first.districts[0]!.count = -1;
  const again = directory.list(visible, { district: '11680', offset: 2, limit: 3 });
  assert.deepEqual(again.cameras.map((c) => c.id), cameras.filter((c) => c.district.code === '11680').slice(2, 5).map((c) => c.id));
  assert.equal(again.matched, 10);
  assert.deepEqual(again.districts.map((d) => [d.name, d.count]), [['강남구', 10], ['마포구', 10]]);
  assert.equal(directory.list(visible, { district: '11110', offset: 0, limit: 10 }).matched, 0, 'a 구 out of scope lists nothing');
  assert.deepEqual(directory.list(visible, { offset: 18, limit: 10 }).cameras.length, 2);
});
