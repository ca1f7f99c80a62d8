export { GeoApi, INCIDENT_TYPES, type DetourRoute, type Dispatch, type DispatchRoute, type DistrictsGeoJson, type FlaggedSegment, type Incident, type IncidentDetail, type IncidentType, type LatLon, type MapCamera, type MapCameras, type MapLayers, type MapStation, type NearCamera, type OpenIncidentRequest, type OpenIncidentResponse, type RouteCamera } from './geo-api.ts';
export { IncidentMap, SEOUL_CENTER, type MapClick, type MapPart, type MapViewState } from './incident-map.ts';
export { DOTS_ZOOM, PICK_ZOOM } from './camera-layers.ts';
export { CATEGORY_COLORS, categoryColor } from './categories.ts';
export { conePolygon } from './cone.ts';
export { ANNOTATION_LOOKS, AnnotationLayer, type AnnotationShape, type MapAnnotation } from './annotation-layer.ts';
export { AlarmLayer, type AlarmDrawing, type AlarmFix } from './alarm-layer.ts';
