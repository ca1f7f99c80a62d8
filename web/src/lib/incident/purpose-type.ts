/**
 * The incident type a board starts with: the one its room's stated purpose is for, so a welfare
 * team does not open a 화재 by accident and a 112 room does not change the type before every
 * click. The operator may still pick any type; the hub decides what the agency may open.
 */
import type { IncidentType } from '$lib/map/geo-api.ts';
import type { Purpose } from '$protocol/events.ts';

const TYPE_FOR_PURPOSE: Record<Purpose, IncidentType> = {
  'emergency-112': '범죄',
  'dispatch-112': '범죄',
  'dispatch-119': '화재',
  disaster: '재난',
  'vulnerable-person': '실종',
  monitoring: '화재',
  audit: '화재'
};

export function defaultIncidentType(purpose: Purpose | null | undefined): IncidentType {
  return purpose ? TYPE_FOR_PURPOSE[purpose] : '화재';
}
