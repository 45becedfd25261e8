import type { BehaviourProfile } from './behaviour.js';

/** Names of the innocent user profiles. */
export type UserProfileName = 'researcher' | 'skimmer' | 'bounce' | 'reader' | 'librarian' | 'admin';

/**
 * The innocent users of the synthetic publisher, with their share of innocent sessions:
 *
 * | profile    | share | who                                                                 | events (median) | gaps (median) |
 * |------------|-------|---------------------------------------------------------------------|-----------------|---------------|
 * | researcher | 32%   | searches, reads abstracts, downloads a few PDFs, exports citations  | 9               | 25 s          |
 * | skimmer    | 28%   | a quick search and a few abstracts                                  | 4               | 12 s          |
 * | bounce     | 20%   | one click from a link (abstract, PDF or journal page), then gone    | 1               | 30 s          |
 * | reader     | 8%    | reads full text, figures and references; prints                    | 8               | 60 s          |
 * | librarian  | 9%    | legitimate bulk user: walks issues, downloads many PDFs and chapters| 20              | 9 s           |
 * | admin      | 3%    | customer administrator: console, usage reports, users, IP ranges    | 7               | 20 s          |
 *
 * Librarians are the innocent users who look most like harvesters (many downloads from issue
 * tables of contents); they keep the problem from being trivially separable.
 *
 * @example
 * ```ts
 * USER_PROFILES.librarian.preference['401']; // strong taste for PDF downloads
 * USER_PROFILE_SHARES.researcher;             // 0.32
 * ```
 */
export const USER_PROFILES: Readonly<Record<UserProfileName, BehaviourProfile>> = {
  researcher: {
    name: 'researcher',
    label: 0,
    description: 'searches, reads abstracts, downloads a few PDFs, exports citations',
    length: { median: 9, sigma: 0.8, min: 2, max: 300 },
    entry: { '113': 0.45, '111': 0.2, '114': 0.2, '201': 0.1, '301': 0.05 },
    preference: {
      '201': 3,
      '202': 1,
      '203': 1.5,
      '204': 1.5,
      '205': 0.3,
      '211': 0.5,
      '301': 4,
      '302': 1.5,
      '303': 1,
      '304': 1,
      '305': 0.6,
      '306': 0.5,
      '307': 1,
      '308': 0.5,
      '311': 0.3,
      '401': 1.8,
      '402': 0.4,
      '403': 0.3,
      '404': 0.8,
      '406': 0.3,
      '407': 0.3,
      '411': 0.5,
      '501': 0.2,
      '502': 0.3,
      '121': 0.1,
    },
    otherPreference: 0.03,
    repeat: 1.3,
    jitter: 0.6,
    gap: { median: 25, sigma: 1.0, dwell: true, burst: 0.02, burstMedian: 0.8 },
    denied: 0.04,
    logout: 0.15,
  },
  skimmer: {
    name: 'skimmer',
    label: 0,
    description: 'a quick search and a few abstracts',
    length: { median: 4, sigma: 0.6, min: 2, max: 60 },
    entry: { '113': 0.5, '114': 0.15, '111': 0.1, '201': 0.2, '301': 0.05 },
    preference: {
      '201': 3,
      '203': 1,
      '204': 2,
      '211': 0.5,
      '301': 4,
      '302': 0.5,
      '305': 0.5,
      '306': 0.5,
      '307': 0.6,
      '401': 0.6,
      '404': 0.3,
    },
    otherPreference: 0.03,
    repeat: 1.5,
    jitter: 0.6,
    gap: { median: 12, sigma: 0.9, dwell: true, burst: 0.03, burstMedian: 0.7 },
    denied: 0.05,
    logout: 0.05,
  },
  bounce: {
    name: 'bounce',
    label: 0,
    description: 'one click from a link (abstract, PDF or journal page), then gone',
    length: { median: 1, sigma: 0.4, min: 1, max: 3 },
    entry: { '301': 0.6, '401': 0.15, '306': 0.12, '201': 0.08, '305': 0.05 },
    preference: { '301': 2, '401': 1, '302': 1, '201': 1 },
    otherPreference: 0.05,
    repeat: 1,
    jitter: 0.5,
    gap: { median: 30, sigma: 1.0, dwell: true, burst: 0.02, burstMedian: 0.8 },
    denied: 0.15,
    logout: 0,
  },
  reader: {
    name: 'reader',
    label: 0,
    description: 'reads full text, figures and references; prints',
    length: { median: 8, sigma: 0.7, min: 2, max: 150 },
    entry: { '113': 0.5, '114': 0.2, '111': 0.15, '301': 0.15 },
    preference: {
      '301': 2,
      '302': 4,
      '303': 2,
      '304': 1.5,
      '305': 1,
      '306': 1,
      '307': 0.8,
      '308': 0.8,
      '311': 0.5,
      '401': 0.8,
      '402': 0.5,
      '403': 0.3,
      '406': 0.5,
      '407': 1,
      '411': 0.5,
      '201': 1,
      '204': 0.5,
    },
    otherPreference: 0.03,
    repeat: 1.2,
    jitter: 0.6,
    gap: { median: 60, sigma: 1.0, dwell: true, burst: 0.02, burstMedian: 0.8 },
    denied: 0.04,
    logout: 0.1,
  },
  librarian: {
    name: 'librarian',
    label: 0,
    description: 'legitimate bulk user: walks issues, downloads many PDFs and chapters',
    length: { median: 20, sigma: 0.8, min: 3, max: 400 },
    entry: { '111': 0.35, '114': 0.25, '113': 0.4 },
    preference: {
      '305': 4,
      '306': 2,
      '308': 1.5,
      '301': 2,
      '302': 0.5,
      '211': 1,
      '205': 1,
      '201': 1,
      '204': 1,
      '401': 3,
      '402': 2,
      '403': 0.8,
      '404': 1,
      '405': 2,
      '411': 1,
      '502': 1,
    },
    otherPreference: 0.03,
    repeat: 1.4,
    jitter: 0.6,
    gap: { median: 9, sigma: 0.9, dwell: true, burst: 0.06, burstMedian: 0.8 },
    denied: 0.05,
    logout: 0.3,
  },
  admin: {
    name: 'admin',
    label: 0,
    description: 'customer administrator: console, usage reports, users, IP ranges',
    length: { median: 7, sigma: 0.6, min: 2, max: 80 },
    entry: { '111': 0.6, '114': 0.4 },
    preference: { '601': 3, '602': 3, '603': 2, '604': 1, '605': 2, '121': 1, '201': 0.5, '301': 0.5, '306': 0.5 },
    otherPreference: 0.03,
    repeat: 1.2,
    jitter: 0.5,
    gap: { median: 20, sigma: 0.9, dwell: true, burst: 0.02, burstMedian: 0.8 },
    denied: 0.02,
    logout: 0.5,
  },
};

/**
 * The share of innocent sessions of each profile (sums to 1).
 *
 * @example
 * ```ts
 * generateEvents({ seed: 1, userProfiles: { ...USER_PROFILE_SHARES, librarian: 0.3 } }); // more bulk readers
 * ```
 */
export const USER_PROFILE_SHARES: Readonly<Record<UserProfileName, number>> = {
  researcher: 0.32,
  skimmer: 0.28,
  bounce: 0.2,
  reader: 0.08,
  librarian: 0.09,
  admin: 0.03,
};
