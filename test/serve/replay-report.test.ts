import { describe, expect, it } from 'vitest';
import { EventLog } from '../../src/events/event-log.js';
import { renderReport } from '../../src/eval/report-html.js';
import { MissingTimesError } from '../../src/sessions/session-errors.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { LiveScorer } from '../../src/serve/live-scorer.js';
import { quantiles, replay, replaySeries } from '../../src/serve/replay.js';
import { timeOrder } from '../../src/serve/time-order.js';
import { liveFixture } from './live-fixture.js';

const { log, flattener, schema, booster } = liveFixture({
  seed: 31,
  sessions: 500,
  features: { counts: true, timing: true },
});

/** numpy.percentile(values, q) with the default linear interpolation, written out. */
function numpyPercentile(values: number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  const h = (v.length - 1) * (q / 100);
  return v[Math.floor(h)]! + (h - Math.floor(h)) * (v[Math.ceil(h)]! - v[Math.floor(h)]!);
}

describe('replay', () => {
  // The batch oracle: the first k at which flatten(firstN(k)) scores >= threshold (sustain 1).
  let longest = 0;
  for (let s = 0; s < log.sessionCount; s++) longest = Math.max(longest, log.sessionLength(s));
  const prefixScores: Float32Array[] = [];
  for (let k = 1; k <= longest; k++)
    prefixScores.push(
      booster.predict(flattener.flatten(Truncators.apply(log, Truncators.firstN(k))), { columns: schema.featureNames }),
    );
  const threshold = 0.5;
  const oracleAlertAt = Array.from({ length: log.sessionCount }, (_, s) => {
    for (let k = 1; k <= log.sessionLength(s); k++) if (prefixScores[k - 1]![s]! >= threshold) return k;
    return 0;
  });
  const report = replay(log, new LiveScorer({ model: booster, schema, threshold, idleTimeoutMs: Infinity }));

  it('alerts each session at the event where its batch prefix score first reaches the threshold', () => {
    expect(Array.from(report.alertAt)).toEqual(oracleAlertAt);
    expect(report.caught).toBeGreaterThan(0);
    expect(report.falseAlerts + report.caught).toBeLessThan(log.sessionCount);
  });

  it('reports recall and FPR against events seen 1..N from those alert points', () => {
    const attackers = log.positiveCount;
    const innocents = log.sessionCount - attackers;
    expect(report.eventsSeen.length).toBe(Math.min(longest, 1000));
    for (const k of [1, 2, 3, 5, 10, 20, longest]) {
      let tp = 0;
      let fp = 0;
      for (let s = 0; s < log.sessionCount; s++) {
        const at = oracleAlertAt[s]!;
        if (at > 0 && at <= k) log.labels[s] === 1 ? tp++ : fp++;
      }
      expect(report.eventsSeen[k - 1]).toBe(k);
      expect(report.recall[k - 1]).toBe(tp / attackers);
      expect(report.fpr[k - 1]).toBe(fp / innocents);
    }
    expect(report.recall[longest - 1]).toBe(report.finalRecall);
    expect(report.falseAlertsPer10k).toBeCloseTo((report.falseAlerts / innocents) * 10_000, 9);
  });

  it('reports events and time to the first alert of attacker sessions (median, p90 as numpy.percentile) and those never caught', () => {
    const events: number[] = [];
    const delays: number[] = [];
    const never: string[] = [];
    for (let s = 0; s < log.sessionCount; s++) {
      if (log.labels[s] !== 1) continue;
      const at = oracleAlertAt[s]!;
      if (at === 0) {
        never.push(log.sessionIds[s]!);
        continue;
      }
      events.push(at);
      const from = log.offsets[s]!;
      delays.push(log.times![log.event(from + at - 1)]! - log.times![log.event(from)]!);
    }
    expect(report.eventsToFirstAlert).toEqual({
      median: numpyPercentile(events, 50),
      p90: numpyPercentile(events, 90),
      count: events.length,
    });
    expect(report.timeToFirstAlertMs.median).toBeCloseTo(numpyPercentile(delays, 50), 6);
    expect(report.timeToFirstAlertMs.p90).toBeCloseTo(numpyPercentile(delays, 90), 6);
    expect([...report.neverCaught].sort()).toEqual(never.sort());
  });

  it('quantiles match numpy.percentile on a documented case and are NaN when empty', () => {
    // numpy.percentile([1, 2, 3, 4], [50, 90]) -> [2.5, 3.7]
    expect(quantiles([4, 1, 3, 2]).median).toBe(2.5);
    expect(quantiles([4, 1, 3, 2]).p90).toBeCloseTo(3.7, 12);
    expect(quantiles([]).median).toBeNaN();
  });

  it("feeds the HTML report's partial-session chart", () => {
    const series = replaySeries(report, 'live');
    expect(series.eventsSeen.length).toBe(series.recall.length);
    const html = renderReport({
      title: 'Live',
      experiments: [
        { name: 'batch', labels: log.labels, scores: prefixScores[longest - 1]!, operatingPoint: threshold },
      ],
      partialSessions: series,
    });
    expect(html).toContain('<svg');
    expect(html).toContain('live');
  });

  it('counts action codes the vocabulary lacks as other_actions and unseen actions, as pushing the events one by one does', () => {
    // The log's most common code renamed to one the schema has never seen.
    const uses = new Map<number, number>();
    for (const code of log.actions) uses.set(code, (uses.get(code) ?? 0) + 1);
    const [common, count] = [...uses].sort((a, b) => b[1] - a[1])[0]!;
    const renamed = new EventLog({
      ...log,
      actionDictionary: log.actionDictionary.map((a, i) => (i === common ? 'never-seen' : a)),
      skipped: log.skipped,
    });
    const replayed = replay(renamed, new LiveScorer({ model: booster, schema, threshold, idleTimeoutMs: Infinity }));
    const pushed = new LiveScorer({ model: booster, schema, threshold, idleTimeoutMs: Infinity });
    const alertAt = new Uint32Array(renamed.sessionCount);
    const { positions, sessionOf, times } = timeOrder(renamed);
    positions.forEach((p, k) => {
      const s = sessionOf[k]!;
      const r = pushed.pushParsed(renamed.sessionIds[s]!, renamed.actionAt(p), times[k]!);
      if (r.newlyAlerted) alertAt[s] = r.eventsSeen;
    });
    expect(replayed.scorerStats.unseenActions).toBe(count);
    expect(replayed.scorerStats).toEqual(pushed.stats());
    expect(Array.from(replayed.alertAt)).toEqual(Array.from(alertAt));
    expect(Array.from(replayed.alertAt)).not.toEqual(oracleAlertAt);
  });

  it('needs event times when the scorer computes timing features (MissingTimesError)', () => {
    const timeless = new EventLog({ ...log, times: null, skipped: log.skipped });
    expect(() => replay(timeless, new LiveScorer({ model: booster, schema, threshold }))).toThrow(MissingTimesError);
  });

  it('replays a log without times in log order when the features need none, and measures no time to alert', () => {
    const counts = liveFixture({ seed: 32, sessions: 300, features: { counts: true, timing: false } });
    const timeless = new EventLog({ ...counts.log, times: null, skipped: counts.log.skipped });
    const scorer = () => new LiveScorer({ model: counts.booster, schema: counts.schema, threshold: 0.5 });
    const untimed = replay(timeless, scorer());
    // Counts do not depend on order across sessions: the alerts are those of the timed replay.
    const timed = replay(counts.log, scorer());
    expect(Array.from(untimed.alertAt)).toEqual(Array.from(timed.alertAt));
    expect(untimed.caught).toBeGreaterThan(0);
    expect(untimed.timeToFirstAlertMs).toEqual({ median: Number.NaN, p90: Number.NaN, count: 0 });
  });
});
