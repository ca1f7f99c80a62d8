export { fetchDemoAgencies, hubHasDevControls, requestDemoToken, type AgencyRole, type DemoAgency, type IssuedToken } from './dev-api.ts';
export { homeFor, landingFor, signInPath } from './landing.ts';
export { PASTE_WARNING_MS, pasteDue, refreshAt } from './refresh-policy.ts';
export { clearToken, isPoliceClaims, isPurpose, loadToken, loadTokenSource, peekClaims, saveToken, type TokenClaims, type TokenSource } from './token-store.ts';
export { leave } from './leave.ts';
