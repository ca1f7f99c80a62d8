import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanSigunguName, romanize, sidoOfAddress, sigunguKey, SIDO } from './sido.ts';

test('the 17 시도 and the ways an address names them', () => {
  assert.equal(SIDO.size, 17);
  assert.equal(sidoOfAddress('광주광역시 서구 내방로 111')?.code, '29');
  assert.equal(sidoOfAddress('광주 북구 용봉동')?.code, '29');
  assert.equal(sidoOfAddress('서울시 강남구 역삼동')?.code, '11');
  assert.equal(sidoOfAddress('경기도 광주시 경안동')?.code, '41', "경기도's 광주시 is not 광주광역시");
  assert.equal(sidoOfAddress('강원도 춘천시')?.code, '51');
  assert.equal(sidoOfAddress('전라북도 전주시 완산구')?.code, '52');
  assert.equal(sidoOfAddress('테헤란로 152'), null);
});

test("the boundary package's 시군구 names, cleaned and romanised", () => {
  assert.equal(cleanSigunguName('서울시도봉구', '11'), '도봉구');
  assert.equal(cleanSigunguName('대구광역시 달성군', '27'), '달성군');
  assert.equal(cleanSigunguName('부산진구', '26'), '부산진구', 'a bare 시도 name inside a 구 name stays');
  assert.equal(cleanSigunguName('성남시분당구', '41'), '성남시 분당구');
  assert.equal(cleanSigunguName('세종특별자치시', '36'), '세종특별자치시');
  assert.equal(sigunguKey('성남시 분당구'), '분당구');
  assert.equal(romanize('해운대구'), 'Haeundae-gu');
  assert.equal(romanize('광산구'), 'Gwangsan-gu');
  assert.equal(romanize('성남시 분당구'), 'Seongnam-si Bundang-gu');
  assert.equal(romanize('울릉군'), 'Ulleung-gun');
});
