import type { ExperimentStage } from '../experiment/partial-session-experiment.js';
import type { ProgressEvent } from '../train/progress.js';
import type { CliIO } from './cli-io.js';

/**
 * Shows an experiment's progress on standard error: on a terminal, one line rewritten in place
 * with a bar of finished jobs and the states of the running ones; otherwise quiet lines, one per
 * stage and one per job that finishes training or fails (no bar characters in logs).
 *
 * @example
 * ```ts
 * const display = new ProgressDisplay(io, 6);
 * await runPartialSessionExperiment(spec, { onStage: display.stage, onProgress: display.progress });
 * display.done();
 * ```
 */
export class ProgressDisplay {
  readonly #io: CliIO;
  readonly #tty: boolean;
  readonly #total: number;
  readonly #started = performance.now();
  readonly #states = new Map<string, string>();
  #finished = 0;
  #stageName = '';
  #lineOpen = false;
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor(io: CliIO, totalJobs: number, options: { readonly tty?: boolean } = {}) {
    this.#io = io;
    this.#tty = options.tty ?? io.stderr.isTTY === true;
    this.#total = totalJobs;
  }

  /** Receives a stage change (bound, so it can be passed as a callback). */
  readonly stage = (stage: ExperimentStage, detail: string): void => {
    this.#stageName = stage;
    if (stage !== 'train' && this.#ticker !== undefined) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
    this.#line(`${this.#elapsed()}  ${stage.padEnd(7)} ${detail}`, true);
  };

  /** Receives a runner progress event (bound). */
  readonly progress = (event: ProgressEvent): void => {
    if (event.resource !== 'TrainingJob') {
      if (event.state === 'Failed') this.#line(`${this.#elapsed()}  ${event.job}: ${event.resource} failed${event.detail ? `: ${event.detail}` : ''}`, true);
      return;
    }
    this.#states.set(event.job, event.state);
    // On a terminal the bar's clock keeps moving between events while jobs train.
    if (this.#tty && this.#ticker === undefined) this.#ticker = setInterval(() => this.#finished < this.#total && this.#bar(), 500).unref();
    if (event.state === 'Completed' || event.state === 'Failed' || event.state === 'Stopped') {
      this.#finished++;
      const line = `${this.#elapsed()}  trained ${event.job} ${event.state === 'Completed' ? `in ${(event.elapsedMs / 1000).toFixed(1)} s` : `${event.state}${event.detail ? `: ${event.detail}` : ''}`} (${this.#finished}/${this.#total})`;
      if (!this.#tty || event.state !== 'Completed') this.#line(line, true);
    }
    if (this.#tty) this.#bar();
  };

  /** Ends the display (closes the in-place line on a terminal). */
  done(): void {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
    if (this.#tty && this.#lineOpen) this.#io.stderr.write('\n');
    this.#lineOpen = false;
  }

  #bar(): void {
    const width = 24;
    const filled = this.#total === 0 ? width : Math.round((this.#finished / this.#total) * width);
    const running = [...this.#states].filter(([, s]) => s === 'InProgress').map(([job]) => job);
    const text = `${this.#elapsed()}  ${this.#stageName.padEnd(7)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#finished}/${this.#total} jobs${running.length ? `  training ${running.join(', ')}` : ''}`;
    const columns = this.#io.stderr.columns || 100;
    this.#io.stderr.write(`\r\x1b[2K${text.slice(0, Math.max(20, columns - 1))}`);
    this.#lineOpen = true;
  }

  #line(text: string, persist: boolean): void {
    if (this.#tty && this.#lineOpen) this.#io.stderr.write('\r\x1b[2K');
    this.#lineOpen = false;
    if (persist) this.#io.stderr.write(`${text}\n`);
  }

  #elapsed(): string {
    return `${((performance.now() - this.#started) / 1000).toFixed(1).padStart(5)} s`;
  }
}
