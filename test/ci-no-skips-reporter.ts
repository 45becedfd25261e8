import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Under CI=true (see vitest.config.ts) a skipped test is a failure. Locally a test skips, and says
 * why in its title, when a reference it relies on is absent (XGBoost 1.7.4 or scikit-learn in
 * /usr/bin/python3, Chromium, Jupyter with the tslab kernel, GNU tar, the HDFS log in ../shared);
 * CI installs all of them, so a skip there means a reference went missing and the check behind it
 * did not run: the run must not pass.
 */
export default class NoSkipsInCi implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'skipped' || state === 'pending') skipped.push(`  ${path.relative(process.cwd(), module.moduleId)} > ${test.fullName}`);
      }
    }
    if (skipped.length === 0) return;
    process.stderr.write(
      `\nCI=true: ${skipped.length} test(s) skipped, so a reference they need is missing (or a test is marked skip/todo). Skips are errors in CI:\n${skipped.join('\n')}\n`,
    );
    process.exitCode = 1;
  }
}
