/**
 * The alarm queue's socket events, registered on each session through the signaling edge (so
 * they are parsed, rate-limited, budgeted and answered with typed errors like every request).
 */
import type { Principal } from '../auth/principal.ts';
import type { AlarmListResponse, AlarmOpenResponse, AlarmRequestOf, AlarmResponse } from '../protocol/alerts.ts';
import type { AlarmDomain } from '../signaling/server.ts';

/** What a recipient agency's operator may do with its alarms (server/alerts/alarms.ts). */
export interface AlarmDesk {
  list(principal: Principal, request: AlarmRequestOf<'alarms:list'>): AlarmListResponse;
  acknowledge(principal: Principal, request: AlarmRequestOf<'alarm:ack'>): AlarmResponse;
  setState(principal: Principal, request: AlarmRequestOf<'alarm:state'>): AlarmResponse | Promise<AlarmResponse>;
  comment(principal: Principal, request: AlarmRequestOf<'alarm:comment'>): AlarmResponse;
  open(principal: Principal, request: AlarmRequestOf<'alarm:open'>, clientAddress: string): AlarmOpenResponse | Promise<AlarmOpenResponse>;
}

export function alarmDomain(desk: AlarmDesk): AlarmDomain {
  return ({ principal, clientAddress }) => ({
    'alarms:list': (req) => desk.list(principal(), req),
    'alarm:ack': (req) => desk.acknowledge(principal(), req),
    'alarm:state': (req) => desk.setState(principal(), req),
    'alarm:comment': (req) => desk.comment(principal(), req),
    'alarm:open': (req) => desk.open(principal(), req, clientAddress)
  });
}
