export { GeoApi, INCIDENT_TYPES, isDetourRoute, type DetourRoute, type Dispatch, type DispatchRoute, type FlaggedSegment, type IncidentType, type LatLon, type MapCamera, type NearCamera, type OpenedIncident, type RouteCamera } from './geo-api.ts';
export { CATEGORY_COLORS, categoryColor, IncidentMap, SEOUL_CENTER } from './incident-map.ts';
