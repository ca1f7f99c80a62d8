/** Annotations between the map and the wire: what was drawn as the op's geometry, and a view's annotation as the map draws it. */
import type { Annotation, ClientOp } from '$protocol/shared-view.ts';
import type { AnnotationShape, MapAnnotation } from '$lib/map/annotation-layer.ts';
import type { LatLon } from '$lib/map/geo-api.ts';

export type WireGeometry = Extract<ClientOp, { type: 'annotation.add' }>['geometry'];

/** The wire geometry of what was drawn (null when too few points for its shape). */
export function geometryOf(shape: AnnotationShape, points: readonly LatLon[]): WireGeometry | null {
  const coordinates = points.map((p) => ({ lat: p.lat, lon: p.lon }));
  if (shape === 'point') return coordinates[0] ? { type: 'point', coordinates: coordinates[0] } : null;
  if (shape === 'line') return coordinates.length >= 2 ? { type: 'line', coordinates } : null;
  return coordinates.length >= 3 ? { type: 'polygon', coordinates } : null;
}

export function toMapAnnotation(annotation: Annotation): MapAnnotation {
  const { geometry } = annotation;
  const points = geometry.type === 'point' ? [geometry.coordinates] : geometry.coordinates;
  return { id: annotation.id, kind: annotation.kind, shape: geometry.type, points, label: annotation.label };
}

/** A fresh annotation id (the client names it, so it is unique before the hub answers). */
export function annotationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `a${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
