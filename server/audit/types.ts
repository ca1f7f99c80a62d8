/** The audit trail's public types live with the signaling contract, so the web reads the same ones. */
export * from '../protocol/audit.ts';
