export { fetchDemoAgencies, requestDemoToken, type DemoAgency, type IssuedToken } from './dev-api.ts';
export { clearToken, loadToken, peekClaims, saveToken, type TokenClaims } from './token-store.ts';
