export { HubClient, type HubClientOptions, type HubSocket, type PushName, type PushPayload, type RequestName, type RequestPayload, type ResponseOf } from './client.ts';
