import { existsSync } from 'node:fs';
import path from 'node:path';
import { DETECTOR_FILE, LiveDetector } from '../live/live-detector.js';
import type { LivePolicy } from '../live/live-policy.js';
import type { Booster } from '../model/booster.js';
import type { FeatureSchema } from '../sessions/feature-schema.js';
import type { LiveScorerModel } from '../serve/live-scorer.js';
import { UsageError } from './cli-io.js';
import { type CommandArgs, numberOption } from './command.js';
import { loadModelBundle } from './model-dir.js';

/**
 * What `replay` and `serve --live` score with: the models, the schema, the alert policy, and where the policy came
 * from.
 */
export interface LiveSetup {
  readonly schema: FeatureSchema;
  readonly models: readonly (LiveScorerModel & { readonly model: Booster })[];
  readonly sustain: number;
  readonly minEvents: number;
  /** Where the thresholds came from, in words, for the command's output. */
  readonly source: string;
  /** The saved policy used as it is (`undefined` when an option changed it or none was saved). */
  readonly policy: LivePolicy | undefined;
}

/**
 * Resolves the live scoring setup of `--model`: a live detector folder (`detector.json`: its models
 * at their jointly calibrated policy, which options cannot change), or a model directory, whose
 * saved live policy (`live-policy.json`, calibrated on validation sessions for a budget of false
 * alerts) is the default; `--threshold`, `--sustain` and `--min-events` override it. Without a
 * live policy the first operating point's threshold is used, and the caller is told that it was
 * chosen on whole sessions (it alerts more often live).
 *
 * @example
 * ```ts
 * const setup = await loadLiveSetup('replay', '.demo/out/models/live', args);
 * new LiveScorer({ schema: setup.schema, models: setup.models, sustain: setup.sustain, minEvents: setup.minEvents });
 * ```
 */
export async function loadLiveSetup(
  command: string,
  modelPath: string,
  args: CommandArgs,
  featuresFile?: string,
): Promise<LiveSetup> {
  const given = (name: string): boolean => args.values[name] !== undefined;
  if (existsSync(path.join(modelPath, DETECTOR_FILE))) {
    for (const name of ['threshold', 'sustain', 'min-events', 'features']) {
      if (given(name))
        throw new UsageError(
          `${command}: --${name} does not apply to a live detector: its thresholds, sustain and min-events were ` +
            `calibrated together (train another with trainLiveDetector)`,
        );
    }
    const detector = await LiveDetector.load(modelPath);
    const { policy } = detector;
    return {
      schema: detector.schema,
      models: detector.models.map((m, i) => ({
        name: m.name,
        model: m.booster,
        threshold: policy.models[i]!.threshold,
      })),
      sustain: policy.sustain,
      minEvents: policy.minEvents,
      source:
        `the detector's live policy (≤ ${policy.maxFalseAlertsPer10k} false alerts per 10 000, chosen on validation ` +
        `sessions)`,
      policy,
    };
  }
  const bundle = await loadModelBundle(modelPath, featuresFile);
  const saved = bundle.livePolicy?.policy;
  const overridden = given('threshold') || given('sustain') || given('min-events');
  const fallbackThreshold = saved?.models[0]?.threshold ?? bundle.threshold ?? 0.5;
  const threshold = numberOption(command, args, 'threshold', fallbackThreshold, { min: 0, max: 1 });
  const sustain = numberOption(command, args, 'sustain', saved?.sustain ?? 1, { min: 1, integer: true });
  const minEvents = numberOption(command, args, 'min-events', saved?.minEvents ?? 1, { min: 1, integer: true });
  const source =
    saved !== undefined
      ? overridden
        ? 'the saved live policy, changed by options'
        : `the saved live policy (≤ ${saved.maxFalseAlertsPer10k} false alerts per 10 000, chosen on validation ` +
          `sessions)`
      : given('threshold')
        ? 'the --threshold option'
        : bundle.threshold !== undefined
          ? 'the first operating point, chosen on whole sessions (no live-policy.json: it alerts more often live than on whole sessions)'
          : 'the default 0.5 (no live-policy.json and no operating point)';
  return {
    schema: bundle.schema!,
    models: [{ name: bundle.name, model: bundle.booster, threshold }],
    sustain,
    minEvents,
    source,
    policy: saved !== undefined && !overridden ? saved : undefined,
  };
}
