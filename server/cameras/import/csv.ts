/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF (LF and a lone CR are accepted too),
 * fields in double quotes may hold commas, line breaks and doubled quotes ("").
 *
 * Two liberties, as most readers take: a quote inside an unquoted field is kept as a character
 * (`12"3` → 12"3), and the last record needs no line break. Text after a closing quote
 * (`"abc"def`) is an error: it almost always means an unescaped quote inside a quoted field, and
 * guessing would shift every following column.
 *
 * Records are numbered as a spreadsheet numbers rows — the header is row 1 — even when a quoted
 * field spans several lines of the file.
 */

export type CsvErrorCode = 'ERR_CSV_UNTERMINATED_QUOTE' | 'ERR_CSV_TEXT_AFTER_QUOTE';

export interface CsvSyntaxError {
  /** Spreadsheet row (1-based; the header is row 1). */
  row: number;
  /** Field position in the row, 1-based. */
  field: number;
  code: CsvErrorCode;
  reason: string;
}

export interface ParsedCsv {
  /** Every record, the header first; `records[i]` is spreadsheet row i + 1. */
  records: string[][];
  errors: CsvSyntaxError[];
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

export function parseCsv(text: string): ParsedCsv {
  const records: string[][] = [];
  const errors: CsvSyntaxError[] = [];
  const n = text.length;
  let fields: string[] = [];
  let i = 0;

  while (i < n) {
    // At the start of a field.
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      let start = i + 1;
      value = '';
      for (;;) {
        const close = text.indexOf('"', start);
        if (close < 0) {
          errors.push({
            row: records.length + 1,
            field: fields.length + 1,
            code: 'ERR_CSV_UNTERMINATED_QUOTE',
            reason: '따옴표가 닫히지 않았습니다 (a quoted field is never closed; the rest of the file was read into it)'
          });
          value += text.slice(start);
          i = n;
          break;
        }
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += text.slice(start, close + 1);
          start = close + 2;
          continue;
        }
        value += text.slice(start, close);
        i = close + 1;
        break;
      }
      if (i < n) {
        const c = text.charCodeAt(i);
        if (c !== COMMA && c !== CR && c !== LF) {
          errors.push({
            row: records.length + 1,
            field: fields.length + 1,
            code: 'ERR_CSV_TEXT_AFTER_QUOTE',
            reason: '닫는 따옴표 뒤에 글자가 있습니다 (text after a closing quote: a quote inside a quoted field must be doubled "")'
          });
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === COMMA || d === CR || d === LF) break;
            j++;
          }
          value += text.slice(i, j);
          i = j;
        }
      }
    } else {
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === COMMA || d === CR || d === LF) break;
        j++;
      }
      value = text.slice(i, j);
      i = j;
    }
    fields.push(value);

    // After a field: a comma, a line break, or the end.
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      if (i >= n) fields.push(''); // "a,b," ends with an empty field
      continue;
    }
    // CRLF, LF or a lone CR ends the record.
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    records.push(fields);
    fields = [];
  }
  if (fields.length) records.push(fields);
  return { records, errors };
}

/** One CSV field, quoted only when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Rows as RFC 4180 text: CRLF after every record, the last included. */
export function formatCsv(rows: Iterable<readonly string[]>): string {
  const out: string[] = [];
  for (const row of rows) out.push(row.map(csvField).join(','));
  return out.length ? `${out.join('\r\n')}\r\n` : '';
}
