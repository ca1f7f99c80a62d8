/** Errors of the camera simulator, each with a stable `code` to switch on. */

export type SimErrorCode =
  | 'ERR_SIM_CLOSED'
  | 'ERR_SIM_DUPLICATE_CAMERA'
  | 'ERR_SIM_UNKNOWN_CAMERA'
  | 'ERR_SIM_INVALID_SPEC'
  | 'ERR_SIM_START_FAILED'
  | 'ERR_SIM_NOT_RUNNING';

export class SimError extends Error {
  readonly code: SimErrorCode;
  /** The camera concerned, when there is one. */
  readonly cameraId: string | undefined;

  constructor(code: SimErrorCode, message: string, cameraId?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimError';
    this.code = code;
    this.cameraId = cameraId;
  }
}
