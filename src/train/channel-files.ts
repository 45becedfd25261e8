import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** How deep SageMaker's built-in XGBoost looks into a channel's folders. */
export const MAX_CHANNEL_DEPTH = 3;

/**
 * The files of a channel folder as SageMaker's built-in XGBoost reads them: in name order, down
 * to {@link MAX_CHANNEL_DEPTH} levels of folders, skipping names that start with `.` or `_`. Both
 * backends use it, so a local run reads exactly the files a SageMaker job would.
 *
 * @example
 * ```ts
 * await listChannelFiles('csv/first5/train'); // ['csv/first5/train/part-0.csv', 'csv/first5/train/part-1.csv']
 * ```
 */
export async function listChannelFiles(dir: string, depth = 1): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => !entry.name.startsWith('.') && !entry.name.startsWith('_'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth < MAX_CHANNEL_DEPTH) files.push(...(await listChannelFiles(full, depth + 1)));
    } else if (entry.isFile()) files.push(full);
  }
  return files;
}
