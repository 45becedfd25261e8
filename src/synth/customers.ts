import { type Random, sampleCumulative } from '../random/random.js';

/**
 * The publisher's subscribers as the logs see them: customer organisations (`CustID`), their
 * groups (`GroupID`, e.g. departments or campuses) and profiles (`ProfID`, a login or an IP
 * range). Account `a` is one (CustID, GroupID, ProfID) triple. Customers differ a lot in size
 * (Zipf-like popularity), as universities and companies do.
 *
 * @example
 * ```ts
 * const directory = createCustomerDirectory(createRandom(1), 400);
 * const a = pickAccount(directory, createRandom(2));
 * directory.custIds[a]; // e.g. '104217'
 * ```
 */
export interface CustomerDirectory {
  /** CustID of each account. */
  readonly custIds: readonly string[];
  /** GroupID of each account. */
  readonly groupIds: readonly string[];
  /** ProfID of each account. */
  readonly profIds: readonly string[];
  /** Customer index of each account. */
  readonly accountCustomer: Uint32Array;
  /** `customerOffsets[c]..customerOffsets[c+1]` are customer `c`'s accounts; the first is its administrator. */
  readonly customerOffsets: Uint32Array;
  /** Cumulative popularity of customers, for {@link pickCustomer}. */
  readonly customerCumulative: Float64Array;
}

/**
 * Builds a directory of `customers` organisations with 1–4 groups of 1–12 profiles each; IDs are
 * increasing numbers with random gaps, so they look like database keys and never collide.
 */
export function createCustomerDirectory(rng: Random, customers: number): CustomerDirectory {
  const custIds: string[] = [];
  const groupIds: string[] = [];
  const profIds: string[] = [];
  const accountCustomer: number[] = [];
  const offsets = new Uint32Array(customers + 1);
  let custId = 100_000;
  let groupId = 2_000_000;
  let profId = 30_000_000;
  for (let c = 0; c < customers; c++) {
    custId += rng.int(1, 60);
    offsets[c] = custIds.length;
    const groups = 1 + Math.min(3, rng.poisson(0.7));
    for (let g = 0; g < groups; g++) {
      groupId += rng.int(1, 400);
      const profiles = 1 + Math.min(11, rng.poisson(2.5));
      for (let p = 0; p < profiles; p++) {
        profId += rng.int(1, 5000);
        custIds.push(String(custId));
        groupIds.push(String(groupId));
        profIds.push(String(profId));
        accountCustomer.push(c);
      }
    }
  }
  offsets[customers] = custIds.length;
  // Popularity is by rank, but ranks are shuffled so big customers are not the lowest IDs.
  const order = rng.shuffle(Array.from({ length: customers }, (_, i) => i));
  const shuffled = new Float64Array(customers);
  let running = 0;
  for (let c = 0; c < customers; c++) {
    running += 1 / Math.pow(order[c]! + 1, 0.9);
    shuffled[c] = running;
  }
  return {
    custIds,
    groupIds,
    profIds,
    accountCustomer: Uint32Array.from(accountCustomer),
    customerOffsets: offsets,
    customerCumulative: shuffled,
  };
}

/** A customer index drawn by popularity. */
function pickCustomer(directory: CustomerDirectory, rng: Random): number {
  return sampleCumulative(rng.uniformSource, directory.customerCumulative);
}

/**
 * An account for a session: a popular customer's account, or its administrator account when
 * `administrator` is true.
 */
export function pickAccount(directory: CustomerDirectory, rng: Random, administrator = false): number {
  const c = pickCustomer(directory, rng);
  const from = directory.customerOffsets[c]!;
  const to = directory.customerOffsets[c + 1]!;
  return administrator ? from : rng.int(from, to);
}

/**
 * The accounts an attacker has stolen: `count` non-administrator accounts of distinct customers
 * (falling back to any account when a customer has only one).
 */
export function stealAccounts(directory: CustomerDirectory, rng: Random, count: number): Uint32Array {
  const customers = directory.customerOffsets.length - 1;
  const chosen = new Set<number>();
  const accounts: number[] = [];
  while (accounts.length < count && chosen.size < customers) {
    const c = pickCustomer(directory, rng);
    if (chosen.has(c)) continue;
    chosen.add(c);
    const from = directory.customerOffsets[c]!;
    const to = directory.customerOffsets[c + 1]!;
    accounts.push(to - from > 1 ? rng.int(from + 1, to) : from);
  }
  return Uint32Array.from(accounts);
}
