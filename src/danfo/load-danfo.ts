import { createRequire } from 'node:module';
import { SessionSentryError } from '../errors.js';

/**
 * `sessionsentry/danfo` was used but `danfojs-node` (an optional peer dependency) is not installed
 * where this package can load it. The message says how to install it.
 *
 * @example
 * ```ts
 * try { toDanfo(frame); }
 * catch (err) { if (err instanceof DanfoNotInstalledError) console.error(err.message); }
 * ```
 */
export class DanfoNotInstalledError extends SessionSentryError {
  declare readonly code: 'ERR_DANFO_NOT_INSTALLED';

  constructor(options?: { cause?: unknown }) {
    super(
      'ERR_DANFO_NOT_INSTALLED',
      'sessionsentry/danfo needs the optional peer dependency danfojs-node, which is not installed: run `npm install danfojs-node@1.2.0` ' +
        'after adding to your package.json the overrides this package uses, so it installs without native builds or network downloads: ' +
        '"overrides": { "xlsx": "0.18.5", "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@3.21.0" } (see the README, "Notebooks and danfo")',
      options,
    );
  }
}

type Danfo = typeof import('danfojs-node');
let loaded: Danfo | undefined;

/**
 * Loads `danfojs-node` on first use (it is heavy and optional), or throws
 * {@link DanfoNotInstalledError} when it is missing.
 *
 * @example
 * ```ts
 * const { DataFrame } = loadDanfo();
 * ```
 */
export function loadDanfo(): Danfo {
  if (loaded !== undefined) return loaded;
  try {
    loaded = moduleRequire()('danfojs-node') as Danfo;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' && /danfojs-node/.test((err as Error).message))
      throw new DanfoNotInstalledError({ cause: err });
    throw err;
  }
  return loaded;
}

// `require` under CommonJS (and vitest), one made for this module under ESM.
function moduleRequire(): NodeJS.Require {
  return typeof require === 'function' ? require : createRequire(import.meta.url);
}
