/**
 * sessionsentry: find attacker sessions in application event logs with supervised learning.
 *
 * Explicit, grouped named exports. Each area of the library owns one block below.
 * The SageMaker backend lives in `sessionsentry/sagemaker` and danfo interop in `sessionsentry/danfo`.
 */

// --- errors ---
export { SessionSentryError, InvalidArgumentError, ParseError, ColumnNotFoundError } from './errors.js';
export type { SourcePosition } from './errors.js';

// --- frame ---
export { Frame, concatFrames } from './frame/frame.js';
export type { CellValue, Row } from './frame/frame.js';
export { encodeStrings, numberColumn } from './frame/column.js';
export type { Column, ColumnInput, NumberColumn, StringColumn, NumericArray } from './frame/column.js';

// --- events ---
export { EventLog } from './events/event-log.js';
export type { EventLogParts, SkippedRows } from './events/event-log.js';

// --- synth ---

// --- sessions ---

// --- split ---

// --- model ---
export type { BoosterModel, RegTree } from './model/model-types.js';

// --- train ---

// --- serve ---

// --- eval ---
