// Plain modules (signaling, media) import `./app-error.ts` directly: `describe.ts` reads the
// rune-based locale, so only components and pages go through this index.
export { accessVerdict, AppError, CLIENT_ERROR_CODES, isAuthError, parseWireError, toAppError, type AccessVerdict, type AppErrorCode, type ClientErrorCode } from './app-error.ts';
export { describeError, type DescribedError } from './describe.ts';
