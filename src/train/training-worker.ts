/**
 * The training worker thread: receives {@link TrainingTask}s and {@link CrossValidationTask}s from
 * the `TrainingPool`, runs them with {@link runTrainingTask} or {@link runCrossValidationTask}
 * and answers with the result or the failure. Built as its own
 * entry (`dist/training-worker.js` / `.cjs`), never imported by the library itself.
 */
import { parentPort } from 'node:worker_threads';
import { runCrossValidationTask } from './cross-validation-task.js';
import { runTrainingTask } from './training-task.js';
import type { WorkerReply, WorkerRequest } from './training-worker-protocol.js';

const port = parentPort;
if (port) {
  port.on('message', (request: WorkerRequest) => {
    const work: Promise<WorkerReply> =
      request.kind === 'cross-validate'
        ? new Promise((resolve) => resolve({ kind: 'cross-validated', result: runCrossValidationTask(request.task) }))
        : runTrainingTask(request.task, undefined, (progress) =>
            port.postMessage({ kind: 'progress', progress } satisfies WorkerReply),
          ).then((result) => ({ kind: 'done', result }));
    work.then(
      (reply) => port.postMessage(reply),
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        const code = (error as { code?: unknown }).code;
        const reply: WorkerReply =
          typeof code === 'string'
            ? { kind: 'failed', message: error.message, name: error.name, code }
            : { kind: 'failed', message: error.message, name: error.name };
        port.postMessage(reply);
      },
    );
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerReply);
}
