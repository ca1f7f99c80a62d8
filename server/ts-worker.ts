/** A worker thread running a TypeScript module: the hub runs under tsx, and a worker does not inherit its loader, so the thread registers it first. */
import { Worker, type WorkerOptions } from 'node:worker_threads';

const TSX = import.meta.resolve('tsx/esm/api');

export function typescriptWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  return new Worker(`import(${JSON.stringify(TSX)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`, { ...options, eval: true });
}
