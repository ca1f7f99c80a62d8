/**
 * Korea's 17 시도 (the first two digits of every 시군구 code), how addresses write them, and the
 * English names of 시군구 the boundary package names only in Korean.
 */

export interface Sido {
  /** 2-digit 시도 code, e.g. "29". */
  code: string;
  /** Official name, e.g. "광주광역시". */
  name: string;
  nameEn: string;
  /** Every way an address's first word names it ("광주광역시", "광주시", "광주"). */
  aliases: readonly string[];
}

const TABLE: ReadonlyArray<readonly [code: string, name: string, nameEn: string, short: string, extra?: readonly string[]]> = [
  ['11', '서울특별시', 'Seoul', '서울'],
  ['26', '부산광역시', 'Busan', '부산'],
  ['27', '대구광역시', 'Daegu', '대구'],
  ['28', '인천광역시', 'Incheon', '인천'],
  ['29', '광주광역시', 'Gwangju', '광주'],
  ['30', '대전광역시', 'Daejeon', '대전'],
  ['31', '울산광역시', 'Ulsan', '울산'],
  ['36', '세종특별자치시', 'Sejong', '세종'],
  ['41', '경기도', 'Gyeonggi-do', '경기'],
  ['43', '충청북도', 'Chungcheongbuk-do', '충북'],
  ['44', '충청남도', 'Chungcheongnam-do', '충남'],
  ['46', '전라남도', 'Jeollanam-do', '전남'],
  ['47', '경상북도', 'Gyeongsangbuk-do', '경북'],
  ['48', '경상남도', 'Gyeongsangnam-do', '경남'],
  ['50', '제주특별자치도', 'Jeju-do', '제주', ['제주도']],
  ['51', '강원특별자치도', 'Gangwon-do', '강원', ['강원도']],
  ['52', '전북특별자치도', 'Jeonbuk-do', '전북', ['전라북도']]
];

export const SIDO: ReadonlyMap<string, Sido> = new Map(
  TABLE.map(([code, name, nameEn, short, extra = []]) => {
    // 광역시 and 특별시 are also written "○○시" (서울시, 광주시).
    const city = /(광역|특별)시$/.test(name) ? [`${short}시`] : [];
    return [code, { code, name, nameEn, aliases: [name, short, ...city, ...extra] }];
  })
);

const BY_ALIAS = new Map([...SIDO.values()].flatMap((s) => s.aliases.map((a) => [a, s] as const)));

/** The 시도 an address starts with ("광주광역시 서구 …" → 29), or null. */
export function sidoOfAddress(address: string): Sido | null {
  const first = address.trimStart().split(/\s+/, 1)[0] ?? '';
  return BY_ALIAS.get(first) ?? null;
}

/**
 * The 시군구 name as an address writes it, from the package's spelling: no 시도 prefix
 * ("서울시도봉구" → "도봉구", "대구광역시 달성군" → "달성군"), and a space between a city and its
 * 구 ("성남시수정구" → "성남시 수정구").
 */
export function cleanSigunguName(raw: string, sidoCode: string): string {
  let name = raw.trim();
  // Only the written-out forms ("서울시", "대구광역시"): a bare "부산" would cut "부산진구".
  const prefixes = (SIDO.get(sidoCode)?.aliases ?? []).filter((a) => /[시도]$/.test(a)).sort((a, b) => b.length - a.length);
  for (const alias of prefixes) {
    if (name.startsWith(alias) && name.length > alias.length) {
      name = name.slice(alias.length).trim();
      break;
    }
  }
  return name.replace(/^(\S+시)(\S+구)$/, '$1 $2');
}

/** The words of a 시군구 name an address must contain ("성남시 수정구" → its last word, "수정구"). */
export function sigunguKey(name: string): string {
  const words = name.split(/\s+/);
  return words[words.length - 1]!;
}

// Revised Romanization, syllable by syllable (no sound-change rules beyond ㄹㄹ → ll): good
// enough for a label beside the Korean name, which stays the reference.
const INITIALS = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const MEDIALS = ['a', 'ae', 'ya', 'yae', 'eo', 'e', 'yeo', 'ye', 'o', 'wa', 'wae', 'oe', 'yo', 'u', 'wo', 'we', 'wi', 'yu', 'eu', 'ui', 'i'];
const FINALS = ['', 'k', 'k', 'k', 'n', 'n', 'n', 't', 'l', 'k', 'm', 'l', 'l', 'l', 'p', 'l', 'm', 'p', 'p', 't', 't', 'ng', 't', 't', 'k', 't', 'p', 't'];
const SUFFIXES: Readonly<Record<string, string>> = { 구: 'gu', 군: 'gun', 시: 'si' };

function romanizeWord(word: string): string {
  const chars = [...word];
  const last = chars[chars.length - 1]!;
  const suffix = chars.length > 1 ? SUFFIXES[last] : undefined;
  const stem = suffix ? chars.slice(0, -1) : chars;
  let out = '';
  let previousFinal = '';
  for (const ch of stem) {
    const code = ch.codePointAt(0)! - 0xac00;
    if (code < 0 || code > 11171) {
      out += ch;
      previousFinal = '';
      continue;
    }
    let initial = INITIALS[Math.floor(code / 588)]!;
    if (initial === 'r' && (out === '' || previousFinal === 'l')) initial = out === '' ? 'r' : 'l';
    out += initial + MEDIALS[Math.floor((code % 588) / 28)]!;
    previousFinal = FINALS[code % 28]!;
    out += previousFinal;
  }
  const text = out.charAt(0).toUpperCase() + out.slice(1);
  return suffix ? `${text}-${suffix}` : text;
}

/** "해운대구" → "Haeundae-gu", "성남시 수정구" → "Seongnam-si Sujeong-gu". */
export function romanize(name: string): string {
  return name.split(/\s+/).map(romanizeWord).join(' ');
}
