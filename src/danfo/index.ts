/**
 * `sessionsentry/danfo`: conversion between Frames and danfo.js DataFrames. `danfojs-node` is an
 * optional peer dependency loaded by `toDanfo` on its first call (a `DanfoNotInstalledError` says
 * how to install it when it is missing); the main entry never loads it, yet
 * accepts DataFrames wherever it takes a Frame (recognised structurally by `asFrame`).
 *
 * @example
 * ```ts
 * import { toDanfo, fromDanfo } from 'sessionsentry/danfo';
 * const df = toDanfo(frame);
 * const same = fromDanfo(df);
 * ```
 *
 * @module sessionsentry/danfo
 */
export { toDanfo, danfoDtypes } from './to-danfo.js';
export type { DanfoDtype } from './to-danfo.js';
export { fromDanfo } from './from-danfo.js';
export { importanceToDanfo, explanationToDanfo } from './insight-to-danfo.js';
export type { ImportanceToDanfoOptions } from './insight-to-danfo.js';
export { DanfoNotInstalledError } from './load-danfo.js';
export type { FromDanfoOptions, NumericStorage, DanfoLikeFrame } from '../frame/frame-input.js';
export { asFrame, isDanfoLikeFrame } from '../frame/frame-input.js';
