/**
 * The action codes of the synthetic publisher's logs: 38 three-digit codes in seven groups, the
 * first digit naming the group. The generator's sessions move between them; the meanings are ours
 * (the real product's codes are private) but follow the same layout.
 *
 * | code | group    | meaning                                   |
 * |------|----------|-------------------------------------------|
 * | 111  | auth     | log in with user name and password        |
 * | 112  | auth     | log out                                   |
 * | 113  | auth     | enter by institutional IP range           |
 * | 114  | auth     | log in through single sign-on (SAML)      |
 * | 121  | auth     | view own account / profile                |
 * | 201  | search   | quick search                              |
 * | 202  | search   | advanced search                           |
 * | 203  | search   | refine results (facets, filters)          |
 * | 204  | search   | next page of results                      |
 * | 205  | search   | run a saved search                        |
 * | 211  | search   | browse a subject area                     |
 * | 301  | view     | view an abstract (article landing page)   |
 * | 302  | view     | read full text (HTML)                     |
 * | 303  | view     | view figures and tables                   |
 * | 304  | view     | view references                           |
 * | 305  | view     | browse a journal issue's table of contents|
 * | 306  | view     | view a journal's home page                |
 * | 307  | view     | view related articles                     |
 * | 308  | view     | view a book chapter's landing page        |
 * | 311  | view     | view supplementary material page          |
 * | 401  | get      | download an article PDF                   |
 * | 402  | get      | download a book chapter PDF               |
 * | 403  | get      | download a supplementary file             |
 * | 404  | get      | export one citation                       |
 * | 405  | get      | bulk citation export                      |
 * | 406  | get      | e-mail an article link                    |
 * | 407  | get      | print view                                |
 * | 411  | get      | add to reading list                       |
 * | 501  | personal | set up an alert                           |
 * | 502  | personal | view saved items / reading list           |
 * | 601  | admin    | open the administration console           |
 * | 602  | admin    | view a usage (COUNTER) report             |
 * | 603  | admin    | manage users                              |
 * | 604  | admin    | edit IP ranges                            |
 * | 605  | admin    | download a usage report file              |
 * | 901  | error    | access denied (not subscribed)            |
 * | 902  | error    | page not found                            |
 * | 903  | error    | rate limit warning (too many requests)    |
 *
 * @example
 * ```ts
 * ACTION_CODES.length;             // 38
 * ACTION_CODES.indexOf('401');     // the index the generator uses for "download PDF"
 * ACTION_INFO['401'].meaning;      // 'download an article PDF'
 * ```
 */
export const ACTION_CODES = [
  '111',
  '112',
  '113',
  '114',
  '121',
  '201',
  '202',
  '203',
  '204',
  '205',
  '211',
  '301',
  '302',
  '303',
  '304',
  '305',
  '306',
  '307',
  '308',
  '311',
  '401',
  '402',
  '403',
  '404',
  '405',
  '406',
  '407',
  '411',
  '501',
  '502',
  '601',
  '602',
  '603',
  '604',
  '605',
  '901',
  '902',
  '903',
] as const;

/** One of the synthetic action codes. */
export type ActionCode = (typeof ACTION_CODES)[number];

/** The groups of action codes, named after what the user does. */
export type ActionGroup = 'auth' | 'search' | 'view' | 'get' | 'personal' | 'admin' | 'error';

/**
 * The meaning and group of each action code (see the table on `ACTION_CODES`).
 *
 * @example
 * ```ts
 * ACTION_INFO['401']; // { group: 'get', meaning: 'download an article PDF' }
 * ACTION_CODES.filter((code) => ACTION_INFO[code].group === 'search');
 * ```
 */
export const ACTION_INFO: Readonly<Record<ActionCode, { readonly group: ActionGroup; readonly meaning: string }>> = {
  '111': { group: 'auth', meaning: 'log in with user name and password' },
  '112': { group: 'auth', meaning: 'log out' },
  '113': { group: 'auth', meaning: 'enter by institutional IP range' },
  '114': { group: 'auth', meaning: 'log in through single sign-on (SAML)' },
  '121': { group: 'auth', meaning: 'view own account / profile' },
  '201': { group: 'search', meaning: 'quick search' },
  '202': { group: 'search', meaning: 'advanced search' },
  '203': { group: 'search', meaning: 'refine results (facets, filters)' },
  '204': { group: 'search', meaning: 'next page of results' },
  '205': { group: 'search', meaning: 'run a saved search' },
  '211': { group: 'search', meaning: 'browse a subject area' },
  '301': { group: 'view', meaning: 'view an abstract (article landing page)' },
  '302': { group: 'view', meaning: 'read full text (HTML)' },
  '303': { group: 'view', meaning: 'view figures and tables' },
  '304': { group: 'view', meaning: 'view references' },
  '305': { group: 'view', meaning: "browse a journal issue's table of contents" },
  '306': { group: 'view', meaning: "view a journal's home page" },
  '307': { group: 'view', meaning: 'view related articles' },
  '308': { group: 'view', meaning: "view a book chapter's landing page" },
  '311': { group: 'view', meaning: 'view supplementary material page' },
  '401': { group: 'get', meaning: 'download an article PDF' },
  '402': { group: 'get', meaning: 'download a book chapter PDF' },
  '403': { group: 'get', meaning: 'download a supplementary file' },
  '404': { group: 'get', meaning: 'export one citation' },
  '405': { group: 'get', meaning: 'bulk citation export' },
  '406': { group: 'get', meaning: 'e-mail an article link' },
  '407': { group: 'get', meaning: 'print view' },
  '411': { group: 'get', meaning: 'add to reading list' },
  '501': { group: 'personal', meaning: 'set up an alert' },
  '502': { group: 'personal', meaning: 'view saved items / reading list' },
  '601': { group: 'admin', meaning: 'open the administration console' },
  '602': { group: 'admin', meaning: 'view a usage (COUNTER) report' },
  '603': { group: 'admin', meaning: 'manage users' },
  '604': { group: 'admin', meaning: 'edit IP ranges' },
  '605': { group: 'admin', meaning: 'download a usage report file' },
  '901': { group: 'error', meaning: 'access denied (not subscribed)' },
  '902': { group: 'error', meaning: 'page not found' },
  '903': { group: 'error', meaning: 'rate limit warning (too many requests)' },
};

/** The index of each code in `ACTION_CODES`, for array-backed tables. */
export const ACTION_INDEX: Readonly<Record<ActionCode, number>> = Object.fromEntries(
  ACTION_CODES.map((code, i) => [code, i]),
) as Record<ActionCode, number>;
