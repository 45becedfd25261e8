/**
 * `Symbol.asyncDispose`, defined when the runtime lacks it (Node 20.0–20.3), so `await using`
 * (whose compiled helper looks the symbol up at run time) works on every Node the package
 * supports. Classes use this constant as their dispose key, which also keeps this module from
 * being dropped by bundlers that trust `sideEffects: false`.
 *
 * @example
 * ```ts
 * class Server { async close(): Promise<void> {} async [asyncDispose]() { await this.close(); } }
 * ```
 */
export const asyncDispose: typeof Symbol.asyncDispose = ((Symbol as { asyncDispose?: symbol }).asyncDispose ??=
  Symbol.for('nodejs.asyncDispose')) as typeof Symbol.asyncDispose;

/**
 * `Symbol.dispose`, defined when the runtime lacks it (Node 20.0–20.3), for `using`.
 *
 * @example
 * ```ts
 * class Listener { remove(): void {} [syncDispose]() { this.remove(); } }
 * ```
 */
export const syncDispose: typeof Symbol.dispose = ((Symbol as { dispose?: symbol }).dispose ??=
  Symbol.for('nodejs.dispose')) as typeof Symbol.dispose;
