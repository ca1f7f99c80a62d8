/**
 * The one error handler: turns any error (a wire code from the hub, a client-side failure,
 * a thrown exception) into the sentence the person at the screen reads, in their language.
 * The hub's own English message is kept as detail for the log and the tooltip.
 */
import { i18n } from '$lib/i18n/index.ts';
import { toAppError, type AppErrorCode } from './app-error.ts';

export interface DescribedError {
  code: AppErrorCode;
  /** Localised, for the screen. */
  message: string;
  /** The original message (from the hub or the exception), for a tooltip or the console. */
  detail: string;
}

export function describeError(error: unknown): DescribedError {
  const appError = toAppError(error);
  return {
    code: appError.code,
    message: i18n.tryT(`error.${appError.code}`, i18n.t('error.UNKNOWN')),
    detail: appError.message
  };
}
