import type { ExperimentStage } from '../experiment/partial-session-experiment.js';
import type { ProgressEvent, TrainingLogEntry, TrainingProgress } from '../train/progress.js';
import type { CliIO } from './cli-io.js';

/**
 * Shows an experiment's progress on standard error: on a terminal, one line rewritten in place
 * with a bar of finished jobs and, for each running job, its rounds, last metric and an estimate of
 * the time left (local backend), or the backend's status (SageMaker's secondary status:
 * Starting, Downloading, Training, Uploading); otherwise quiet lines, one per stage and one per job
 * that finishes training (with its rounds and final metric) or fails (no bar characters in logs).
 * A SageMaker job's own reports (`TrainingLog` events) are shown as lines above the bar, as the
 * SageMaker Python SDK's `logs=True` prints them: each CloudWatch log line with its instance
 * (`[algo-2]`), each secondary status transition with SageMaker's message, and the final metrics
 * (`FinalMetricDataList`) with the training and billable seconds.
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
  readonly #states = new Map<string, JobState>();
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
    if (event.resource === 'TrainingLog') {
      if (event.log !== undefined) this.#line(`${this.#elapsed()}  ${event.job}${logText(event.log)}`, true);
      if (this.#tty && this.#states.size > 0) this.#bar();
      return;
    }
    if (event.resource !== 'TrainingJob') {
      if (event.state === 'Failed')
        this.#line(
          `${this.#elapsed()}  ${event.job}: ${event.resource} failed${event.detail ? `: ${event.detail}` : ''}`,
          true,
        );
      return;
    }
    const previous = this.#states.get(event.job);
    this.#states.set(event.job, {
      state: event.state,
      ...(event.detail !== undefined
        ? { detail: event.detail }
        : previous?.detail !== undefined && event.state === previous.state
          ? { detail: previous.detail }
          : {}),
      ...(event.training !== undefined
        ? { training: event.training }
        : previous?.training !== undefined
          ? { training: previous.training }
          : {}),
      // The rate is measured from the first round reported, so reading data and waiting for a worker do not count.
      ...(previous?.firstRound !== undefined
        ? { firstRound: previous.firstRound }
        : event.training !== undefined
          ? { firstRound: { round: event.training.round, at: performance.now() } }
          : {}),
    });
    // On a terminal the bar's clock keeps moving between events while jobs train.
    if (this.#tty && this.#ticker === undefined)
      this.#ticker = setInterval(() => this.#finished < this.#total && this.#bar(), 500).unref();
    if (event.state === 'Completed' || event.state === 'Failed' || event.state === 'Stopped') {
      this.#finished++;
      const training = this.#states.get(event.job)?.training;
      const summary = training === undefined ? '' : `, ${training.round} rounds${lastMetric(training)}`;
      const line =
        `${this.#elapsed()}  trained ${event.job} ` +
        `${event.state === 'Completed' ? `in ${(event.elapsedMs / 1000).toFixed(1)} s${summary}` : `${event.state}${event.detail ? `: ${event.detail}` : ''}`} (${this.#finished}/${this.#total})`;
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
    const running = [...this.#states]
      .filter(([, s]) => s.state === 'InProgress' || s.state === 'Uploading')
      .map(([job, s]) => `${job} ${jobStatus(s)}`);
    const text =
      `${this.#elapsed()}  ${this.#stageName.padEnd(7)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
      `${this.#finished}/${this.#total} jobs${running.length ? `  ${running.join(' · ')}` : ''}`;
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

// One TrainingLog entry as a line after the job's name.
function logText(entry: TrainingLogEntry): string {
  switch (entry.kind) {
    case 'log':
      // CloudWatch shows the container's tabs as #011.
      return ` [algo-${entry.instance + 1}] ${entry.message.replaceAll('#011', '  ')}`;
    case 'status':
      return `: ${entry.status} - ${entry.message}`;
    case 'metrics': {
      const metrics = Object.entries(entry.metrics).map(([name, value]) => `${name} ${Number(value.toFixed(6))}`);
      const seconds = [
        entry.trainingSeconds === undefined ? '' : `training ${entry.trainingSeconds} s`,
        entry.billableSeconds === undefined ? '' : `billable ${entry.billableSeconds} s`,
      ].filter((part) => part !== '');
      return `: final metrics ${metrics.length > 0 ? metrics.join(', ') : 'none reported'}${seconds.length > 0 ? ` (${seconds.join(', ')})` : ''}`;
    }
  }
}

interface JobState {
  readonly state: string;
  readonly detail?: string;
  readonly training?: TrainingProgress;
  readonly firstRound?: { readonly round: number; readonly at: number };
}

// A running job on the bar: "12/50 validation-logloss 0.0712 ~4 s left", or the backend's status
// (a local job that has not reported a round yet is reading its data or waiting for a worker).
function jobStatus(job: JobState): string {
  const t = job.training;
  if (t === undefined) return job.detail ?? (job.state === 'InProgress' ? 'starting' : job.state);
  const first = job.firstRound;
  let eta = '';
  if (first !== undefined && t.round > first.round) {
    const perRound = (performance.now() - first.at) / 1000 / (t.round - first.round);
    const left = perRound * (t.rounds - t.round);
    eta = ` ~${left < 10 ? left.toFixed(1) : Math.round(left)} s left`;
  }
  return `${t.round}/${t.rounds}${lastMetric(t)}${eta}`;
}

// The metric to show: the validation set's first, else the last set's first.
function lastMetric(t: TrainingProgress): string {
  const keys = Object.keys(t.metrics);
  const key = keys.find((k) => k.startsWith('validation-')) ?? keys[keys.length - 1];
  return key === undefined ? '' : ` ${key} ${t.metrics[key]!.toFixed(4)}`;
}
