/**
 * The national CCTV standard data (전국CCTV표준데이터, 공공데이터포털) as the hub imports it:
 * its columns, the purposes it knows, and what an import gives back.
 */
import type { DistrictRef } from '../../geo/districts.ts';
import type { TextEncodingName } from './encoding.ts';

/** The standard's 13 columns, in its order. All must be present in the header. */
export const STANDARD_COLUMNS = [
  '관리기관명',
  '소재지도로명주소',
  '소재지지번주소',
  '설치목적구분',
  '카메라대수',
  '카메라화소수',
  '촬영방면정보',
  '보관일수',
  '설치연월',
  '관리기관전화번호',
  'WGS84위도',
  'WGS84경도',
  '데이터기준일자'
] as const;

/**
 * Columns the hub adds (the synthetic registry writes them; real files may): a stable camera id,
 * and the facing direction (degrees clockwise from north) and horizontal field of view.
 */
export const EXTRA_COLUMNS = ['카메라ID', '방향각', '화각'] as const;

export type StandardColumn = (typeof STANDARD_COLUMNS)[number];
export type ExtraColumn = (typeof EXTRA_COLUMNS)[number];
export type Column = StandardColumn | ExtraColumn;

/** 설치목적구분 values found in the standard and in published files, with English labels. */
export const CATEGORIES: Readonly<Record<string, string>> = {
  생활방범: 'Crime prevention',
  다목적: 'Multi-purpose',
  차량방범: 'Vehicle crime prevention',
  어린이보호: 'Child protection',
  교통단속: 'Traffic enforcement',
  교통정보수집: 'Traffic monitoring',
  재난재해: 'Disaster monitoring',
  시설물관리: 'Facility management',
  쓰레기단속: 'Illegal dumping',
  기타: 'Other'
};

/**
 * A camera as imported. It has everything `RegistryCamera` has except `source` (the standard
 * says nothing about streams), so `{ ...camera, source }` makes a registry entry.
 */
export interface ImportedCamera {
  /** 카메라ID when the file has one; otherwise derived from the row's content (stable across re-imports). */
  id: string;
  /** Short address and purpose, e.g. "강남구 테헤란로 152 (생활방범)". */
  name: string;
  /** e.g. "Crime prevention camera, Gangnam-gu (cctv-11680-3f2a9c01d4)". */
  nameEn: string;
  /** The 시군구 the camera stands in (from its coordinates or, near a border, its address; never from 관리기관명). */
  district: DistrictRef;
  /** 설치목적구분, as the standard writes it (생활방범, 교통단속 …). */
  category: string;
  categoryEn: string;
  location: { lat: number; lon: number };
  /** Road address if given, else the lot address. */
  address: string;
  roadAddress: string | null;
  lotAddress: string | null;
  /** Facing direction, degrees clockwise from north [0, 360). Absent when unknown. */
  facingDeg?: number;
  /** Horizontal field of view, degrees (0, 360]. Present exactly when `facingDeg` is. */
  fovDeg?: number;
  /** 카메라대수: cameras at this spot (a pole may carry several). */
  cameraCount: number;
  /** 카메라화소수 is in units of 10,000 pixels (200 = 2 MP); here in megapixels. */
  megapixels: number | null;
  /** 촬영방면정보, free text. */
  viewDescription: string | null;
  /** 보관일수 */
  retentionDays: number | null;
  /** 설치연월 as YYYY-MM (or YYYY when only the year is known). */
  installed: string | null;
  /** 관리기관명 */
  agency: string;
  agencyPhone: string | null;
  /** 데이터기준일자 as YYYY-MM-DD. */
  dataDate: string;
}

export type ImportErrorCode =
  | 'ERR_ENCODING'
  | 'ERR_EMPTY_FILE'
  | 'ERR_CSV_UNTERMINATED_QUOTE'
  | 'ERR_CSV_TEXT_AFTER_QUOTE'
  | 'ERR_MISSING_COLUMN'
  | 'ERR_DUPLICATE_COLUMN'
  | 'ERR_FIELD_COUNT'
  | 'ERR_REQUIRED'
  | 'ERR_NOT_A_NUMBER'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_COORDINATES_SWAPPED'
  | 'ERR_OUTSIDE_REGION'
  | 'ERR_UNKNOWN_CATEGORY'
  | 'ERR_BAD_DATE'
  | 'ERR_BAD_ID'
  | 'ERR_DUPLICATE_ID'
  | 'ERR_FACING_INCOMPLETE';

export interface ImportError {
  /** Spreadsheet row, 1-based, the header being row 1; null for the file as a whole. */
  row: number | null;
  /** The column concerned, by its header name; null for whole-row problems. */
  column: string | null;
  code: ImportErrorCode;
  /** For the person fixing the file: Korean, then English in parentheses. */
  reason: string;
  /** The offending cell, as read (cut to 100 characters). */
  value?: string;
}

export interface ImportStats {
  encoding: TextEncodingName | null;
  /** Data rows read (header excluded, blank rows included). */
  rows: number;
  cameras: number;
  blankRows: number;
  /** Rows left out because they are outside the region (only with `outside: 'skip'`). */
  skippedOutsideRegion: number;
  /** Cameras just outside every 구 boundary, given to the nearest within `borderToleranceM`. */
  snappedToBorder: number;
  /** Cameras filed under the 시군구 their address names rather than the one their point lies in (near a border). */
  addressOverPoint: number;
  /** Cameras whose 관리기관명 names a different 구 than the one they stand in (allowed; counted). */
  agencyDistrictMismatch: number;
  byDistrict: Record<string, number>;
  byCategory: Record<string, number>;
  ms: { decode: number; parse: number; validate: number; total: number };
}

export type ImportResult =
  | { ok: true; cameras: ImportedCamera[]; stats: ImportStats }
  | { ok: false; errors: ImportError[]; total: number; stats: ImportStats };
