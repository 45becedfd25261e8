/**
 * The package's name and version, as `package.json` states them (a test keeps them equal): the
 * CLI's `--version`, and the provenance a saved model directory records.
 *
 * @example
 * ```ts
 * console.log(`${PACKAGE_NAME} ${PACKAGE_VERSION}`); // sessionsentry 0.1.0
 * ```
 */
export const PACKAGE_NAME = 'sessionsentry';

/**
 * The package version (see {@link PACKAGE_NAME}).
 *
 * @example
 * ```ts
 * manifest.package.version === PACKAGE_VERSION;
 * ```
 */
export const PACKAGE_VERSION = '0.1.0';
