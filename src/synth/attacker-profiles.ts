import type { BehaviourProfile } from './behaviour.js';

/** Names of the attacker styles. */
export type AttackerStyle = 'bulk-harvester' | 'stealthy-harvester' | 'chapter-harvester';

/**
 * The attackers of the synthetic publisher. Both log in with stolen credentials (user name and
 * password or single sign-on, rarely from an institution's IP range) and harvest content:
 *
 * | style              | who                                                                                   | events (median) | gaps (median)         |
 * |--------------------|---------------------------------------------------------------------------------------|-----------------|-----------------------|
 * | bulk-harvester     | a script: walks issue tables of contents and downloads every PDF, fast and regular     | 40              | 1.5 s, 20% sub-second |
 * | stealthy-harvester | a human-paced harvester: timing like a researcher, but few searches and many downloads | 11              | 22 s                  |
 * | chapter-harvester  | harvests books and supplements: chapter pages and PDFs, supplementary files, print views and bulk citation exports, seldom an article PDF | 16 | 6 s |
 *
 * The bulk harvester trips the rate limit (903) now and then; the stealthy one does not, and its
 * short sessions look much like a researcher's, so not every attacker session can be caught,
 * least of all from its first few events.
 *
 * The chapter harvester takes content through other codes than the article PDFs (401) the other
 * two favour: 402, 403, 405, 407 and the book pages 308/311. The generator keeps it out of the
 * training files by default (`generateLogs`' `heldOutStyles`), so a test day measures whether a
 * model catches an attacker style it never saw; librarians, who also download chapters, keep it
 * from being trivially separable.
 *
 * @example
 * ```ts
 * ATTACKER_PROFILES['bulk-harvester'].gap.median; // 1.5 seconds
 * ```
 */
export const ATTACKER_PROFILES: Readonly<Record<AttackerStyle, BehaviourProfile>> = {
  'bulk-harvester': {
    name: 'bulk-harvester',
    label: 1,
    description: 'a script: walks issue tables of contents and downloads every PDF, fast and regular',
    length: { median: 40, sigma: 0.7, min: 5, max: 400 },
    entry: { '111': 0.8, '114': 0.2 },
    preference: {
      '305': 4,
      '306': 1,
      '301': 1.5,
      '201': 0.8,
      '204': 1.5,
      '211': 0.5,
      '401': 5,
      '402': 2,
      '403': 1,
      '404': 0.3,
    },
    otherPreference: 0.02,
    repeat: 1.5,
    jitter: 0.7,
    gap: { median: 1.5, sigma: 0.35, dwell: false, burst: 0.2, burstMedian: 0.25 },
    denied: 0.08,
    logout: 0.02,
  },
  'stealthy-harvester': {
    name: 'stealthy-harvester',
    label: 1,
    description: 'a human-paced harvester: timing like a researcher, but few searches and many downloads',
    length: { median: 11, sigma: 0.7, min: 3, max: 200 },
    entry: { '111': 0.7, '114': 0.25, '113': 0.05 },
    preference: {
      '201': 1.2,
      '203': 0.4,
      '204': 1,
      '211': 0.5,
      '301': 2.7,
      '302': 0.4,
      '305': 1.5,
      '306': 0.6,
      '307': 0.5,
      '308': 0.5,
      '401': 3.6,
      '402': 0.9,
      '403': 0.3,
      '404': 0.3,
      '411': 0.2,
    },
    otherPreference: 0.03,
    repeat: 1.3,
    jitter: 0.6,
    gap: { median: 22, sigma: 0.9, dwell: true, burst: 0.03, burstMedian: 0.8 },
    denied: 0.06,
    logout: 0.08,
  },
  'chapter-harvester': {
    name: 'chapter-harvester',
    label: 1,
    description:
      'harvests books and supplements: chapter pages and PDFs, supplementary files, print views and bulk citation exports',
    length: { median: 16, sigma: 0.7, min: 4, max: 250 },
    entry: { '114': 0.6, '111': 0.3, '113': 0.1 },
    preference: {
      '211': 1,
      '306': 0.6,
      '305': 0.5,
      '303': 0.6,
      '308': 3,
      '311': 1.5,
      '401': 0.2,
      '402': 4,
      '403': 2.5,
      '405': 1.2,
      '407': 1.5,
    },
    otherPreference: 0.02,
    repeat: 1.4,
    jitter: 0.6,
    gap: { median: 6, sigma: 0.7, dwell: true, burst: 0.08, burstMedian: 0.5 },
    denied: 0.05,
    logout: 0.05,
  },
};
