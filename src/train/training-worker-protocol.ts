import type { TrainingProgress } from './progress.js';
import type { CrossValidationTask, CrossValidationTaskResult } from './cross-validation-task.js';
import type { TrainingTask, TrainingTaskResult } from './training-task.js';

/** A message from the pool to a training worker. */
export type WorkerRequest =
  | { readonly kind: 'train'; readonly task: TrainingTask }
  | { readonly kind: 'cross-validate'; readonly task: CrossValidationTask };

/** A message from a training worker to the pool. */
export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'progress'; readonly progress: TrainingProgress }
  | { readonly kind: 'done'; readonly result: TrainingTaskResult }
  | { readonly kind: 'cross-validated'; readonly result: CrossValidationTaskResult }
  | { readonly kind: 'failed'; readonly message: string; readonly name: string; readonly code?: string };
