export { GeoApi, INCIDENT_TYPES, type DispatchRoute, type IncidentType, type LatLon, type MapCamera, type NearCamera, type OpenedIncident, type RouteCamera } from './geo-api.ts';
export { CATEGORY_COLORS, categoryColor, IncidentMap, SEOUL_CENTER } from './incident-map.ts';
