import { InvalidArgumentError } from '../errors.js';

/** Default of {@link EventClockOptions.maxLeadMs}: 5 minutes. */
export const DEFAULT_MAX_CLOCK_LEAD_MS = 5 * 60_000;

/** Default of {@link EventClockOptions.quorum}: 3 sessions. */
export const DEFAULT_CLOCK_QUORUM = 3;

/** Options of {@link EventClock}. */
export interface EventClockOptions {
  /**
   * How far (ms) an event may lead the clock and still move it. An event further ahead is
   * "ahead": it moves the clock only when `quorum` distinct sessions agree. Default 5 minutes.
   */
  readonly maxLeadMs?: number;
  /** Distinct sessions needed to move the clock by more than `maxLeadMs` (forward or back). Default 3. */
  readonly quorum?: number;
}

/** What {@link EventClock.observe} made of one event. */
export interface ClockObservation {
  /** The event leads the clock by more than `maxLeadMs` (after any jump this event completed). */
  readonly ahead: boolean;
  /** The clock jumped forward (`'forward'`) or was corrected back (`'back'`) at this event. */
  readonly moved: 'forward' | 'back' | null;
  /** On a forward jump: the other sessions whose ahead events made the quorum. */
  readonly corroborating: readonly string[];
}

interface Candidate {
  time: number;
  /** The clock when the candidate was seen; candidates go stale once the clock moves on by `maxLeadMs`. */
  at: number;
}

const IN_STEP: ClockObservation = Object.freeze({
  ahead: false,
  moved: null,
  corroborating: Object.freeze([]) as readonly string[],
});
const AHEAD: ClockObservation = Object.freeze({
  ahead: true,
  moved: null,
  corroborating: Object.freeze([]) as readonly string[],
});

/**
 * The event-time clock of a live scorer, robust to one source's bad times: the clock is the latest
 * event time seen, except that an event more than `maxLeadMs` ahead of it does not move it (a
 * `1e300` time, or a source sending local time an hour ahead). Such events are "ahead" and counted
 * by the caller; when `quorum` distinct sessions send ahead events (real traffic after a quiet
 * period, a replay crossing a gap), the clock jumps to the earliest of them. Likewise a clock that
 * only one session has ever supported (its very first event was far in the future) is corrected
 * back when `quorum` other sessions are behind it by more than `maxLeadMs`. So one session's time
 * never governs the others': it cannot expire them, nor freeze expiry for them.
 *
 * @example
 * ```ts
 * const clock = new EventClock({ maxLeadMs: 60_000, quorum: 2 });
 * clock.observe('a', 1_000);
 * clock.observe('b', 1e300).ahead; // true: the clock stays at 1000
 * clock.now; // 1000
 * ```
 */
export class EventClock {
  readonly maxLeadMs: number;
  readonly quorum: number;
  #now = -Infinity;
  /** The only session that has supported the current clock value, or null once another has. */
  #setBy: string | null = null;
  readonly #ahead = new Map<string, Candidate>();
  readonly #behind = new Map<string, Candidate>();

  constructor(options: EventClockOptions = {}, where = 'EventClock') {
    const { maxLeadMs = DEFAULT_MAX_CLOCK_LEAD_MS, quorum = DEFAULT_CLOCK_QUORUM } = options;
    if (!(maxLeadMs >= 0))
      throw new InvalidArgumentError(
        where,
        'maxClockLeadMs',
        maxLeadMs,
        'a number of milliseconds ≥ 0 (Infinity to trust every event time)',
      );
    if (!Number.isSafeInteger(quorum) || quorum < 1 || quorum > 64)
      throw new InvalidArgumentError(where, 'clockQuorum', quorum, 'an integer from 1 to 64');
    this.maxLeadMs = maxLeadMs;
    this.quorum = quorum;
  }

  /** The clock (epoch ms), `-Infinity` before any event. */
  get now(): number {
    return this.#now;
  }

  /**
   * Takes one event's session and time (finite epoch ms) into account.
   *
   * @example
   * ```ts
   * const { ahead, moved } = clock.observe('s1', Date.parse('2019-07-01T12:00:00Z'));
   * ```
   */
  observe(session: string, time: number): ClockObservation {
    const now = this.#now;
    if (now === -Infinity) {
      this.#now = time;
      this.#setBy = session;
      return IN_STEP;
    }
    const lead = this.maxLeadMs;
    if (time - now > lead) {
      const jumped = this.#vote(this.#ahead, session, time, 'forward');
      if (jumped === null) return AHEAD;
      const ahead = time - this.#now > lead;
      return { ahead, moved: 'forward', corroborating: jumped.filter((s) => s !== session) };
    }
    if (now - time > lead && this.#setBy !== null && session !== this.#setBy) {
      const corrected = this.#vote(this.#behind, session, time, 'back');
      return corrected === null ? IN_STEP : { ahead: false, moved: 'back', corroborating: [] };
    }
    if (time > now) {
      this.#now = time;
      // A step of at most maxLeadMs from a supported clock stays supported.
      if (this.#setBy !== null && this.#setBy !== session) this.#setBy = null;
    } else if (this.#setBy !== null && this.#setBy !== session) {
      this.#setBy = null;
    }
    return IN_STEP;
  }

  /** Records a candidate; at `quorum` fresh candidates moves the clock and returns their sessions. */
  #vote(
    candidates: Map<string, Candidate>,
    session: string,
    time: number,
    direction: 'forward' | 'back',
  ): string[] | null {
    const now = this.#now;
    for (const [id, c] of candidates) if (Math.abs(now - c.at) > this.maxLeadMs) candidates.delete(id);
    const held = candidates.get(session);
    if (held !== undefined) held.time = direction === 'forward' ? Math.max(held.time, time) : Math.min(held.time, time);
    else candidates.set(session, { time, at: now });
    if (candidates.size < this.quorum) return null;
    let target = direction === 'forward' ? Infinity : -Infinity;
    for (const c of candidates.values())
      target = direction === 'forward' ? Math.min(target, c.time) : Math.max(target, c.time);
    const sessions = [...candidates.keys()];
    this.#now = target;
    this.#setBy = null;
    this.#ahead.clear();
    this.#behind.clear();
    return sessions;
  }
}
