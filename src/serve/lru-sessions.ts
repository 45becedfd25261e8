import type { SessionState } from './session-state.js';

/**
 * The live sessions by id, in recency order: a `Map` for lookup and an intrusive doubly linked
 * list (the states' `newer`/`older` links) for order, so lookup, touch, insert, remove and finding
 * the least recently seen session are all O(1).
 *
 * @example
 * ```ts
 * const sessions = new LruSessions();
 * sessions.add(new SessionState('a', layout));
 * sessions.add(new SessionState('b', layout));
 * sessions.touch(sessions.get('a')!);
 * sessions.oldest?.id; // 'b'
 * ```
 */
export class LruSessions {
  readonly #byId = new Map<string, SessionState>();
  #newest: SessionState | null = null;
  #oldest: SessionState | null = null;

  /** Number of sessions held. */
  get size(): number {
    return this.#byId.size;
  }

  /** The least recently seen session, or `null` when empty. */
  get oldest(): SessionState | null {
    return this.#oldest;
  }

  /** The session with this id (recency unchanged). */
  get(id: string): SessionState | undefined {
    return this.#byId.get(id);
  }

  /** Adds a session as the most recently seen (its id must not be held). */
  add(state: SessionState): void {
    this.#byId.set(state.id, state);
    this.#link(state);
  }

  /** Marks a held session as the most recently seen. */
  touch(state: SessionState): void {
    if (this.#newest === state) return;
    this.#unlink(state);
    this.#link(state);
  }

  /** Removes a held session. */
  remove(state: SessionState): void {
    this.#byId.delete(state.id);
    this.#unlink(state);
  }

  /** Removes every session. */
  clear(): void {
    this.#byId.clear();
    this.#newest = null;
    this.#oldest = null;
  }

  /** The sessions, most recently seen first. */
  *[Symbol.iterator](): IterableIterator<SessionState> {
    for (let s = this.#newest; s !== null; s = s.older) yield s;
  }

  #link(state: SessionState): void {
    state.older = this.#newest;
    state.newer = null;
    if (this.#newest !== null) this.#newest.newer = state;
    this.#newest = state;
    if (this.#oldest === null) this.#oldest = state;
  }

  #unlink(state: SessionState): void {
    if (state.newer !== null) state.newer.older = state.older;
    else this.#newest = state.older;
    if (state.older !== null) state.older.newer = state.newer;
    else this.#oldest = state.newer;
    state.newer = null;
    state.older = null;
  }
}
