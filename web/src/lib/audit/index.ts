export { fetchAuditCsv, fetchAuditPage, filenameOf, type AuditRequest, type CsvExport } from './api.ts';
export { AuditLog, type AuditLoadStatus, type AuditLogOptions } from './audit-log.svelte.ts';
export { saveBlob } from './download.ts';
export { formatDetail, formatDuration, formatKst, formatKstFull, shortHash } from './format.ts';
export { apiQuery, EMPTY_FILTER, filterFromParams, isEmptyFilter, kstLocalToMs, msToKstLocal, offsetFromParams, pageQuery, type AuditFilter } from './query.ts';
export { AUDIT_ACTIONS, AUDIT_OUTCOMES, AUDIT_PAGE_SIZE, isAuditAction, isAuditOutcome, type AuditAction, type AuditEntry, type AuditOutcome, type AuditPage } from './types.ts';
