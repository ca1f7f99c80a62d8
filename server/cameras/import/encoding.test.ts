import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCp949, encodeCp949 } from './cp949.ts';
import { decodeText, EncodingError } from './encoding.ts';

const TEXT = '관리기관명,WGS84위도\r\n서울특별시 강남구청,37.4979\r\n';

test('UTF-8 with and without BOM', () => {
  const utf8 = new TextEncoder().encode(TEXT);
  assert.deepEqual(decodeText(utf8), { text: TEXT, encoding: 'utf-8' });
  const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8]);
  assert.deepEqual(decodeText(bom), { text: TEXT, encoding: 'utf-8-bom' });
});

test('CP949: known bytes, and a whole file', () => {
  // "서울" in CP949 / EUC-KR.
  assert.deepEqual(decodeText(Uint8Array.from([0xbc, 0xad, 0xbf, 0xef])), { text: '서울', encoding: 'cp949' });
  assert.deepEqual([...encodeCp949('강남구')], [0xb0, 0xad, 0xb3, 0xb2, 0xb1, 0xb8]);
  assert.deepEqual(decodeText(encodeCp949(TEXT)), { text: TEXT, encoding: 'cp949' });
});

test('CP949 extension syllables (outside KS X 1001), which Node\'s euc-kr decoder mangles', () => {
  // 똠 is 8C 63; Node's TextDecoder('euc-kr') gives "\u008Cc" for it, even when fatal.
  assert.equal(new TextDecoder('euc-kr').decode(Uint8Array.from([0x8c, 0x63])), '\u008Cc', 'if this fails, Node fixed it: good');
  assert.equal(decodeCp949(Uint8Array.from([0x8c, 0x63])), '똠');
  assert.deepEqual([...encodeCp949('갂')], [0x81, 0x41], 'first extension code');
  assert.deepEqual([...encodeCp949('힣')], [0xc6, 0x52], 'last extension code');
  assert.deepEqual([...encodeCp949('힝')], [0xc8, 0xfe], 'last KS X 1001 syllable');
  let all = '';
  for (let c = 0xac00; c <= 0xd7a3; c++) all += String.fromCharCode(c);
  const bytes = encodeCp949(all);
  assert.equal(bytes.length, 11_172 * 2, 'all 11,172 modern syllables');
  assert.equal(decodeCp949(bytes), all);
  assert.deepEqual(decodeText(encodeCp949('서울특별시 똠방각하로 1')), { text: '서울특별시 똠방각하로 1', encoding: 'cp949' });
  assert.throws(() => decodeCp949(Uint8Array.from([0x41, 0x8c])), RangeError, 'a lead byte at the end');
});

test('ASCII is UTF-8; bytes that are neither are refused', () => {
  assert.equal(decodeText(new TextEncoder().encode('a,b\r\n')).encoding, 'utf-8');
  assert.throws(() => decodeText(Uint8Array.from([0x41, 0xff, 0xff, 0x42])), (e: unknown) => e instanceof EncodingError && e.code === 'ERR_ENCODING');
  assert.throws(() => decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, 0xbc, 0xad])), EncodingError);
});
