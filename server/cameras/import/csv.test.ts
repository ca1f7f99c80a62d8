import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCsv, parseCsv } from './csv.ts';

test('plain records, CRLF / LF / CR line ends, no final line break', () => {
  assert.deepEqual(parseCsv('a,b,c\r\n1,2,3\n4,5,6\r7,8,9').records, [
    ['a', 'b', 'c'],
    ['1', '2', '3'],
    ['4', '5', '6'],
    ['7', '8', '9']
  ]);
  assert.deepEqual(parseCsv('a,b\r\n').records, [['a', 'b']]);
  assert.deepEqual(parseCsv('').records, []);
});

test('empty fields, a trailing comma and blank lines keep their place', () => {
  assert.deepEqual(parseCsv(',\r\na,,b,\r\n\r\nc').records, [['', ''], ['a', '', 'b', ''], [''], ['c']]);
});

test('quoted fields hold commas, line breaks and doubled quotes', () => {
  const text = 'name,addr\r\n"강남, 역삼","1층\r\n2층"\r\n"say ""hi""",""\r\n"x\ny",z';
  assert.deepEqual(parseCsv(text).records, [
    ['name', 'addr'],
    ['강남, 역삼', '1층\r\n2층'],
    ['say "hi"', ''],
    ['x\ny', 'z']
  ]);
});

test('a quote inside an unquoted field is kept as a character', () => {
  assert.deepEqual(parseCsv('12"3,a"b"\r\n').records, [['12"3', 'a"b"']]);
});

test('rows are numbered per record even when a quoted field spans lines', () => {
  const { records, errors } = parseCsv('h1,h2\r\n"a\r\nb\r\nc",1\r\n"bad"x,2\r\n');
  assert.equal(records.length, 3);
  assert.deepEqual(errors, [
    {
      row: 3,
      field: 1,
      code: 'ERR_CSV_TEXT_AFTER_QUOTE',
      reason: errors[0]!.reason
    }
  ]);
  assert.equal(records[2]![0], 'badx');
});

test('an unterminated quote is reported at the row it opens in', () => {
  const { errors } = parseCsv('h\r\nok\r\n"never closed\r\nmore\r\n');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'ERR_CSV_UNTERMINATED_QUOTE');
  assert.equal(errors[0]!.row, 3);
});

test('formatCsv quotes only what needs it and round-trips through parseCsv', () => {
  assert.equal(formatCsv([['a', 'b,c', 'd"e', 'f\ng', '']]), 'a,"b,c","d""e","f\ng",\r\n');
  const alphabet = ['a', '가', ',', '"', '\r', '\n', ' ', '1'];
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const rows: string[][] = [];
  for (let r = 0; r < 200; r++) {
    const width = 1 + Math.floor(next() * 5);
    const row: string[] = [];
    for (let f = 0; f < width; f++) {
      let s = '';
      const len = Math.floor(next() * 6);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      row.push(s);
    }
    // A lone empty field is a blank line, which reads back as [''] — that is fine.
    rows.push(row);
  }
  const parsed = parseCsv(formatCsv(rows));
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.records, rows);
});
