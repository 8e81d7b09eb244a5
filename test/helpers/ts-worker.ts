// Starts a worker thread that runs a TypeScript file. Tests run through tsx,
// whose loader a Node 20 worker does not inherit, so the worker registers it
// itself before importing the file.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startTsWorker(file: URL, options: WorkerOptions = {}): Worker {
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
