import { existsSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './cli-io.js';

/**
 * Checks the files a command is about to write against its inputs and what exists, before any
 * work: an output that is one of the inputs is always refused (a log is never replaced by its
 * features); an existing output is refused unless `force` (`--force`). Then creates the outputs'
 * folders. Paths must be absolute.
 *
 * @throws UsageError naming the file.
 * @example
 * ```ts
 * await prepareOutputs('flatten', [out, schemaOut], { inputs: logs, force: args.values.force === true });
 * ```
 */
export async function prepareOutputs(
  command: string,
  outputs: readonly string[],
  options: { readonly inputs?: readonly string[]; readonly force?: boolean; readonly cwd?: string } = {},
): Promise<void> {
  const { inputs = [], force = false, cwd = process.cwd() } = options;
  const show = (p: string): string => path.relative(cwd, p) || p;
  const inputKeys = new Set(inputs.map(identity));
  const seen = new Set<string>();
  for (const output of outputs) {
    const key = identity(output);
    if (inputKeys.has(key))
      throw new UsageError(`${command}: refusing to write ${show(output)}: it is one of the inputs`);
    if (seen.has(key)) throw new UsageError(`${command}: ${show(output)} is named for two outputs`);
    seen.add(key);
    if (!force && existsSync(output))
      throw new UsageError(`${command}: ${show(output)} exists (pass --force to overwrite it)`);
  }
  for (const output of outputs) await mkdir(path.dirname(output), { recursive: true });
}

// The same file by any spelling (symlinks, `..`): its real path when it exists.
function identity(file: string): string {
  const absolute = path.resolve(file);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = path.dirname(absolute);
  return existsSync(parent) ? path.join(realpathSync(parent), path.basename(absolute)) : absolute;
}
