export { IncidentBoard, type BoardApi, type BoardMap, type BoardProblem, type ProblemPlace } from './board.svelte.ts';
export { installIncidentProbe, type IncidentProbe } from './probe.ts';
export { formatDistance, formatDuration, INCIDENT_TEXT, INCIDENT_TYPE_EN } from './text.ts';
export { defaultIncidentType } from './purpose-type.ts';
