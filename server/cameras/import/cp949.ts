/**
 * CP949 (Windows code page 949, "확장 완성형"), both ways.
 *
 * Not `new TextDecoder('euc-kr')` alone: Node 20's ICU decoder is plain EUC-KR (KS X 1001). It
 * does not know CP949's extension — the 8,822 Hangul syllables outside KS X 1001, such as 똠 —
 * and, even with `fatal: true`, turns their lead byte into a C1 control character and the trail
 * byte into an ASCII letter (똠 = 8C 63 → "\u008Cc"), silently. So the table is built here:
 * KS X 1001 (lead and trail A1–FE) is taken from Node's decoder one code at a time, and the
 * extension is filled in by rule — it holds exactly the syllables KS X 1001 lacks, in Unicode
 * order, over leads 81–A0 (trails 41–5A, 61–7A, 81–FE) then leads A1–C6 (trails 41–5A, 61–7A,
 * 81–A0). Built once on first use (~9,000 single-code decodes).
 */

const LEADS = 0xfe - 0x81 + 1;
const TRAILS = 0xfe - 0x41 + 1;

let decodeTable: Uint16Array | null = null; // (lead - 0x81) * TRAILS + (trail - 0x41) → UTF-16 code unit, 0 = none
let encodeTable: Map<number, number> | null = null;

function isExtensionTrail(trail: number, lead: number): boolean {
  const common = (trail >= 0x41 && trail <= 0x5a) || (trail >= 0x61 && trail <= 0x7a);
  return lead <= 0xa0 ? common || (trail >= 0x81 && trail <= 0xfe) : common || (trail >= 0x81 && trail <= 0xa0);
}

function table(): Uint16Array {
  if (decodeTable) return decodeTable;
  const t = new Uint16Array(LEADS * TRAILS);
  const decoder = new TextDecoder('euc-kr');
  const pair = new Uint8Array(2);
  const inKsX1001 = new Set<number>();
  for (let lead = 0xa1; lead <= 0xfe; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      pair[0] = lead;
      pair[1] = trail;
      const s = decoder.decode(pair);
      if (s.length !== 1) continue;
      const c = s.charCodeAt(0);
      if (c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) continue; // unmapped or user-defined
      t[(lead - 0x81) * TRAILS + (trail - 0x41)] = c;
      if (c >= 0xac00 && c <= 0xd7a3) inKsX1001.add(c);
    }
  }
  // The extension: every other modern syllable, in order.
  let syllable = 0xac00;
  const nextMissing = () => {
    while (syllable <= 0xd7a3 && inKsX1001.has(syllable)) syllable++;
    return syllable <= 0xd7a3 ? syllable++ : 0;
  };
  for (let lead = 0x81; lead <= 0xc6; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      if (!isExtensionTrail(trail, lead)) continue;
      const c = nextMissing();
      if (c === 0) break;
      t[(lead - 0x81) * TRAILS + (trail - 0x41)] = c;
    }
  }
  decodeTable = t;
  return t;
}

/** Decodes CP949 bytes; throws RangeError at the first byte sequence CP949 does not define. */
export function decodeCp949(bytes: Uint8Array): string {
  const t = table();
  const parts: string[] = [];
  const units = new Uint16Array(Math.min(bytes.length, 1 << 16));
  let u = 0;
  const flush = () => {
    parts.push(String.fromCharCode.apply(null, units.subarray(0, u) as unknown as number[]));
    u = 0;
  };
  for (let i = 0; i < bytes.length; i++) {
    if (u >= units.length - 1) flush();
    const b = bytes[i]!;
    if (b < 0x80) {
      units[u++] = b;
      continue;
    }
    const trail = bytes[i + 1];
    const c = b >= 0x81 && b <= 0xfe && trail !== undefined && trail >= 0x41 && trail <= 0xfe ? t[(b - 0x81) * TRAILS + (trail - 0x41)]! : 0;
    if (c === 0) {
      throw new RangeError(`not CP949 at byte ${i}: ${b.toString(16).toUpperCase()}${trail === undefined ? '' : ` ${trail.toString(16).toUpperCase()}`}`);
    }
    units[u++] = c;
    i++;
  }
  flush();
  return parts.join('');
}

/** Encodes text as CP949 (for fixtures, or files for old Excel); throws RangeError on a character CP949 lacks. */
export function encodeCp949(text: string): Uint8Array {
  if (!encodeTable) {
    const t = table();
    encodeTable = new Map();
    for (let k = 0; k < t.length; k++) {
      const c = t[k]!;
      if (c && !encodeTable.has(c)) encodeTable.set(c, ((Math.floor(k / TRAILS) + 0x81) << 8) | ((k % TRAILS) + 0x41));
    }
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    const code = encodeTable.get(c);
    if (code === undefined) throw new RangeError(`CP949 cannot encode ${JSON.stringify(text[i])} (U+${c.toString(16).toUpperCase().padStart(4, '0')})`);
    out.push(code >> 8, code & 0xff);
  }
  return Uint8Array.from(out);
}
