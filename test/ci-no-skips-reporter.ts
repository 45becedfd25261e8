import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Under CI=true (see vitest.config.ts) a skipped test is a failure. Locally a test skips, and says
 * why in its title, when a reference it relies on is absent (XGBoost 1.7.4 or scikit-learn in
 * /usr/bin/python3, Chromium, Jupyter with the tslab kernel, GNU tar, the HDFS log in ../shared);
 * CI installs all of them, so a skip there means a reference went missing and the check behind it
 * did not run: the run must not pass.
 *
 * One exception: the shared folder beside the checkout (`../shared`, the design material and the
 * real HDFS log) is not part of the repository. When a checkout has none, the skips of the test
 * files that read it are reported as such, not counted as failures; every other skip still fails.
 */
export default class NoSkipsInCi implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    const withoutShared: string[] = [];
    const sharedAbsent = !existsSync(path.resolve(process.cwd(), '../shared'));
    for (const module of testModules) {
      const readsShared = sharedAbsent && readFileSync(module.moduleId, 'utf8').includes('../shared');
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state !== 'skipped' && state !== 'pending') continue;
        (readsShared ? withoutShared : skipped).push(
          `  ${path.relative(process.cwd(), module.moduleId)} > ${test.fullName}`,
        );
      }
    }
    if (withoutShared.length > 0)
      process.stderr.write(
        `\nCI=true: ${withoutShared.length} test(s) skipped because ../shared is not beside this checkout:\n${withoutShared.join('\n')}\n`,
      );
    if (skipped.length === 0) return;
    process.stderr.write(
      `\nCI=true: ${skipped.length} test(s) skipped, so a reference they need is missing (or a test is marked skip/todo). Skips are errors in CI:\n${skipped.join('\n')}\n`,
    );
    process.exitCode = 1;
  }
}
