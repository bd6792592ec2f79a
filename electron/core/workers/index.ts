// The worker host's public face: what the core, the CLI and the scenarios import.
export { createWorkerHost, type CloseOptions, type WorkerHost, type WorkerHostOptions, type WorkerSpec } from './worker-host';
export { toBullmqConnection, type WorkerConnection } from './worker-connection';
export type { HostJobEvent, WorkerInfo, WorkerState } from './worker-info';
