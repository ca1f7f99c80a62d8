/**
 * Errors of the routing package. Each carries a stable string `code` (callers switch on it, never
 * on the message) and the details of what failed. The messages are written for the operator.
 *
 * These codes are not (yet) part of the wire contract in server/protocol/errors.ts; an API that
 * exposes routing will have to map them.
 */

/** One refused feature of a road-network import. */
export interface FeatureIssue {
  /** Index in `features`, or -1 for the collection itself. */
  featureIndex: number;
  /** The feature's OSM id (`@id` or `id`) when it has one. */
  featureId: string | null;
  /** Path inside the feature, e.g. `geometry.coordinates.3.1` or `properties.oneway`. */
  field: string;
  reason: string;
}

export type RoadNetworkErrorCode = 'ROAD_NETWORK_INVALID' | 'ROAD_NETWORK_EMPTY';

/** The import was refused: nothing was imported. */
export class RoadNetworkError extends Error {
  readonly code: RoadNetworkErrorCode;
  /** The first issues found (up to the importer's `maxIssues`). */
  readonly issues: readonly FeatureIssue[];
  /** How many issues there were in all (may exceed `issues.length`). */
  readonly issueCount: number;

  constructor(code: RoadNetworkErrorCode, message: string, issues: readonly FeatureIssue[] = [], issueCount = issues.length) {
    super(message);
    this.name = 'RoadNetworkError';
    this.code = code;
    this.issues = issues;
    this.issueCount = issueCount;
  }
}

export type RouteErrorCode =
  /** No drivable path (one-way streets, blocked segments, or disconnected roads). */
  | 'ROUTE_UNREACHABLE'
  /** A start or end point is not a valid lat/lon. */
  | 'ROUTE_INVALID_POINT'
  /** No road node within the snapping distance of a start or end point. */
  | 'ROUTE_NO_NEARBY_ROAD'
  /** An edge id that the graph does not have. */
  | 'ROUTE_UNKNOWN_EDGE'
  /** A congestion factor that is not ≥ 1 (Infinity blocks). */
  | 'ROUTE_INVALID_CONGESTION';

export class RouteError extends Error {
  readonly code: RouteErrorCode;
  readonly detail: Readonly<Record<string, unknown>>;

  constructor(code: RouteErrorCode, message: string, detail: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RouteError';
    this.code = code;
    this.detail = detail;
  }
}
