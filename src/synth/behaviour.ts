import { ACTION_CODES, ACTION_INFO, type ActionCode, type ActionGroup } from './action-codes.js';

/**
 * How one kind of user behaves in a session: how long sessions are, where they start, which
 * actions they favour, and how fast they act. The generator walks a Markov chain whose transition
 * weights are the shared navigation grammar (`navigationWeights`) times the profile's
 * `preference` for the next action, times a per-session random tilt (`jitter`), so every session
 * of a profile is a little different and profiles overlap as real users do.
 *
 * @example
 * ```ts
 * const p: BehaviourProfile = USER_PROFILES.researcher;
 * p.length.median; // 9 events
 * ```
 */
export interface BehaviourProfile {
  /** Short name, e.g. `researcher` or `bulk-harvester`. */
  readonly name: string;
  /** 1 for attackers, 0 for innocent users. */
  readonly label: 0 | 1;
  /** One line on who this is. */
  readonly description: string;
  /** Session length in events: `round(lognormal(ln median, sigma))`, clamped to `[min, max]`. */
  readonly length: { readonly median: number; readonly sigma: number; readonly min: number; readonly max: number };
  /** Weights of the first action. */
  readonly entry: Readonly<Partial<Record<ActionCode, number>>>;
  /** Taste for each action (multiplies the grammar); actions not listed get `otherPreference`. */
  readonly preference: Readonly<Partial<Record<ActionCode, number>>>;
  /** Preference of every action not listed in `preference`. */
  readonly otherPreference: number;
  /** Extra weight for repeating the previous action (1 = none). */
  readonly repeat: number;
  /** Spread (lognormal sigma) of the per-session random tilt of every preference. */
  readonly jitter: number;
  /**
   * Gaps between events in seconds: `lognormal(ln median, sigma)`, times the dwell factor of the
   * previous action when `dwell` is true (reading takes longer than paging results); with
   * probability `burst`, a sub-second gap `lognormal(ln burstMedian, 0.5)` instead.
   */
  readonly gap: {
    readonly median: number;
    readonly sigma: number;
    readonly dwell: boolean;
    readonly burst: number;
    readonly burstMedian: number;
  };
  /** Probability that a download (401/402/403) is followed by 901 access denied. */
  readonly denied: number;
  /** Probability that a session ends with 112 log out. */
  readonly logout: number;
}

/** Relative time spent after each group of actions before the next event (human users). */
const GROUP_DWELL: Readonly<Record<ActionGroup, number>> = {
  auth: 0.4,
  search: 0.7,
  view: 1.4,
  get: 0.9,
  personal: 0.8,
  admin: 1.5,
  error: 0.5,
};

/** How likely a user in one group of pages goes on to each group next (rows need not sum to 1). */
const GROUP_TRANSITIONS: Readonly<Record<ActionGroup, Readonly<Record<ActionGroup, number>>>> = {
  auth: { auth: 0.05, search: 0.4, view: 0.35, get: 0.08, personal: 0.05, admin: 0.05, error: 0.02 },
  search: { auth: 0.01, search: 0.35, view: 0.55, get: 0.06, personal: 0.02, admin: 0.005, error: 0.01 },
  view: { auth: 0.02, search: 0.22, view: 0.4, get: 0.33, personal: 0.02, admin: 0.005, error: 0.01 },
  get: { auth: 0.02, search: 0.15, view: 0.45, get: 0.35, personal: 0.02, admin: 0.005, error: 0.01 },
  personal: { auth: 0.05, search: 0.3, view: 0.4, get: 0.2, personal: 0.05, admin: 0.01, error: 0.01 },
  admin: { auth: 0.05, search: 0.05, view: 0.05, get: 0.02, personal: 0.01, admin: 0.8, error: 0.02 },
  error: { auth: 0.15, search: 0.35, view: 0.4, get: 0.05, personal: 0.02, admin: 0.01, error: 0.02 },
};

/** Natural next steps that are likelier than their group alone says (from → to → factor). */
const PAIR_BOOSTS: Readonly<Partial<Record<ActionCode, Readonly<Partial<Record<ActionCode, number>>>>>> = {
  '201': { '301': 2, '203': 2, '204': 2 },
  '202': { '301': 2, '203': 2, '204': 2 },
  '203': { '301': 2, '204': 2 },
  '204': { '301': 2, '204': 1.5 },
  '211': { '305': 2, '306': 2 },
  '301': { '401': 2, '302': 1.5, '307': 1.5 },
  '302': { '303': 3, '304': 3, '401': 1.5 },
  '305': { '301': 2, '401': 3 },
  '306': { '305': 3 },
  '308': { '402': 3 },
  '401': { '305': 2, '301': 1.5 },
  '601': { '602': 2, '603': 2, '604': 2 },
  '602': { '605': 3 },
  '901': { '201': 2, '301': 2 },
};

/**
 * The shared navigation grammar as a row-major `38 × 38` matrix over `ACTION_CODES`: how
 * natural it is to go from each action to each other one (group transitions spread evenly over the
 * group's actions, times a few pair boosts such as search → abstract or issue → PDF). Profiles
 * multiply these weights by their preferences.
 *
 * @example
 * ```ts
 * const w = navigationWeights();
 * const n = ACTION_CODES.length;
 * w[ACTION_INDEX['305'] * n + ACTION_INDEX['401']]; // issue TOC → PDF: a boosted transition
 * ```
 */
export function navigationWeights(): Float64Array {
  const n = ACTION_CODES.length;
  const groupSize = new Map<ActionGroup, number>();
  for (const code of ACTION_CODES)
    groupSize.set(ACTION_INFO[code].group, (groupSize.get(ACTION_INFO[code].group) ?? 0) + 1);
  const weights = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const from = ACTION_CODES[i]!;
    const row = GROUP_TRANSITIONS[ACTION_INFO[from].group];
    const boosts = PAIR_BOOSTS[from] ?? {};
    for (let j = 0; j < n; j++) {
      const to = ACTION_CODES[j]!;
      const group = ACTION_INFO[to].group;
      weights[i * n + j] = (row[group] / groupSize.get(group)!) * (boosts[to] ?? 1);
    }
  }
  return weights;
}

/** The dwell factor of each action (see {@link BehaviourProfile.gap}), indexed like `ACTION_CODES`. */
export function dwellFactors(): Float64Array {
  const factors = Float64Array.from(ACTION_CODES, (code) => GROUP_DWELL[ACTION_INFO[code].group]);
  // Reading full text or figures takes longest; a log-in or an error page is left at once.
  factors[ACTION_CODES.indexOf('302')] = 3;
  factors[ACTION_CODES.indexOf('303')] = 2;
  return factors;
}
