/**
 * Which encoding a Korean public-data file is in. Files from 공공데이터포털 come as UTF-8
 * (often with a BOM, for Excel) or as CP949 (Excel's "CSV" in Korean Windows). Hangul in CP949
 * is never valid UTF-8, so: valid UTF-8 → UTF-8, else CP949 (our own table, see cp949.ts: Node's
 * 'euc-kr' decoder mangles CP949's extension syllables silently), else refuse.
 */
import { decodeCp949 } from './cp949.ts';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'cp949';

export class EncodingError extends Error {
  readonly code = 'ERR_ENCODING';
  constructor(message: string) {
    super(message);
    this.name = 'EncodingError';
  }
}

export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncodingName } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    // TextDecoder drops a leading BOM itself.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
  } catch {
    if (bom) throw new EncodingError('UTF-8 BOM가 있으나 UTF-8이 아닌 바이트가 있습니다 (file starts with a UTF-8 BOM but is not valid UTF-8)');
  }
  try {
    return { text: decodeCp949(bytes), encoding: 'cp949' };
  } catch (error) {
    const where = error instanceof RangeError ? `: ${error.message}` : '';
    throw new EncodingError(`UTF-8도 CP949도 아닙니다 (the file is neither UTF-8 nor CP949 text${where})`);
  }
}
