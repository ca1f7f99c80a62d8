export { GeoApi, INCIDENT_TYPES, isDetourRoute, type DetourRoute, type Dispatch, type DispatchRoute, type FlaggedSegment, type IncidentRecord, type IncidentType, type MapCameras, type MapLayers, type MapStation, type LatLon, type MapCamera, type NearCamera, type OpenedIncident, type RouteCamera } from './geo-api.ts';
export { IncidentMap, SEOUL_CENTER, type MapClick } from './incident-map.ts';
export { DOTS_ZOOM, PICK_ZOOM } from './camera-layers.ts';
export { CATEGORY_COLORS, categoryColor } from './categories.ts';
export { conePolygon } from './cone.ts';
