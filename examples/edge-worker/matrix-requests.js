// What the tests and the load test expect, written independently of the worker's route table:
//
// - `parseMatrix(text)` reads the 44 rows (action, scope, target, documented columns) straight
//   from the library's source, src/catalog/token_matrix.rs (model-facts E.2).
// - `ROW_REQUESTS` is the Pulumi Cloud REST API request for each row, written from the REST API
//   documentation against the demo world (stack acme/app/prod, team acme/crew).
// - `expectedAllowed(who, row)` is what each demo credential may do, from the documented columns
//   and the product decisions, never from running the engine.

/** The demo world's names (snapshot/default.json). */
export const ORG = 'acme';
export const STACK = 'acme/app/prod';
export const TEAM = 'acme/crew';

const S = '/api/stacks/acme/app/prod';
const O = '/api/orgs/acme';

/** Row -> [method, path, JSON body?]. */
export const ROW_REQUESTS = {
  1: ['GET', '/api/user/stacks?organization=acme&project=app'],
  2: ['GET', S],
  3: ['GET', `${S}/export`],
  4: ['POST', `${S}/transfer`, { toOrg: 'globex' }],
  5: ['DELETE', S],
  6: ['GET', `${S}/hooks`],
  7: ['POST', `${S}/hooks`, { organizationName: 'acme', projectName: 'app', stackName: 'prod', displayName: 'ci', payloadUrl: 'https://hooks.example/ci', active: true }],
  8: ['GET', `${S}/hooks/ci`],
  9: ['POST', `${S}/hooks/ci/ping`],
  10: ['GET', `${S}/hooks/ci/deliveries`],
  11: ['GET', S],
  12: ['POST', `${S}/tags`, { name: 'owner', value: 'crew' }],
  13: ['DELETE', `${S}/tags/owner`],
  14: ['GET', `${S}/updates`],
  15: ['GET', `${S}/update/7f1c2a9e-5b1d-4a57-9d53-2f0b1c9f1a11`],
  16: ['GET', `${S}/update/7f1c2a9e-5b1d-4a57-9d53-2f0b1c9f1a11/events`],
  17: ['GET', `${S}/updates/latest/previews`],
  18: ['GET', `${O}/members`],
  19: ['POST', `${O}/members/nina`, { role: 'member' }],
  20: ['DELETE', `${O}/members/mia`],
  21: ['GET', `${O}/teams`],
  22: ['POST', `${O}/teams/pulumi`, { name: 'ops', displayName: 'Ops' }],
  23: ['DELETE', `${O}/teams/crew`],
  24: ['PATCH', `${O}/teams/crew`, { memberAction: 'add', member: 'mia' }],
  25: ['PATCH', `${O}/teams/crew`, { addStackPermission: { projectName: 'app', stackName: 'dev', permission: 101 } }],
  26: ['PATCH', `${O}/teams/crew`, { removeStack: { projectName: 'app', stackName: 'prod' } }],
  27: ['POST', `${O}/teams/crew/tokens`, { name: 'deploy', description: 'deploys', expires: 0 }],
  28: ['DELETE', `${O}/teams/crew/tokens/tok-team`],
  29: ['PATCH', `${O}/members/mia`, { role: 'admin' }],
  30: ['GET', `${O}/tokens`],
  31: ['POST', `${O}/tokens`, { name: 'new-ci', description: 'ci', expires: 0 }],
  32: ['DELETE', `${O}/tokens/tok-std`],
  33: ['GET', `${S}/hooks`],
  34: ['POST', `${S}/hooks`, { organizationName: 'acme', projectName: 'app', stackName: 'prod', displayName: 'ci', payloadUrl: 'https://hooks.example/ci', active: true }],
  35: ['GET', `${S}/hooks/ci`],
  36: ['POST', `${S}/hooks/ci/ping`],
  37: ['GET', `${S}/hooks/ci/deliveries`],
  38: ['GET', `${O}/hooks`],
  39: ['POST', `${O}/hooks`, { organizationName: 'acme', displayName: 'audit', payloadUrl: 'https://hooks.example/audit', active: true }],
  40: ['GET', `${O}/hooks/audit`],
  41: ['POST', `${O}/hooks/audit/ping`],
  42: ['GET', `${O}/hooks/audit/deliveries`],
  43: ['GET', `${O}/auditlogs?startTime=1767225600`],
  44: ['GET', `${O}/auditlogs/export?format=csv`],
};

/**
 * The rows of src/catalog/token_matrix.rs: `{ row, section, action, scope, target, personal,
 * team, organization, admin }` with target `Stack`, `Org` or `Team`.
 */
export function parseMatrix(source) {
  const re = /row\(\s*(\d+),\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)",\s*(Stack|Org|Team),\s*\[\s*([YN]),\s*([YN]),\s*([YN]),\s*([YN])\s*\]\s*,?\s*\)/g;
  const rows = [];
  for (const m of source.matchAll(re)) {
    rows.push({
      row: Number(m[1]),
      section: m[2],
      action: m[3],
      scope: m[4],
      target: m[5],
      personal: m[6] === 'Y',
      team: m[7] === 'Y',
      organization: m[8] === 'Y',
      admin: m[9] === 'Y',
    });
  }
  if (rows.length !== 44 || rows.some((r, i) => r.row !== i + 1)) throw new Error(`token_matrix.rs: parsed ${rows.length} rows, expected rows 1..44`);
  return rows;
}

/**
 * The demo credentials the matrix is checked with (names from fixtures/tokens.json), and what each
 * may do per row:
 * - admin organization tokens (opaque and signed): the documented Admin column;
 * - team tokens of `crew` (ADMIN on app/prod; opaque and signed): the documented Team column;
 * - the standard organization token: the documented Organization column, except rows 5, 22 and 23,
 *   which follow the role model (PRODUCT decision 3): the Member default permission `write` does
 *   not include stack:delete, and Members lack team:create / team:delete while
 *   membersCanCreateTeams is off (the default);
 * - root's personal token: root is an org admin, so every row (PRODUCT decision 4);
 * - olga's personal token: olga is not an acme member, so no row (deny `not_a_member`);
 * - the `idle` team token (a team with no grants): no stack row; the team's org rows (18, 21: the
 *   team-token baseline) as the Team column; no team row (the Team column has none).
 */
export const MATRIX_CREDENTIALS = ['opaque-admin', 'signed-admin', 'opaque-team', 'signed-team', 'opaque-std', 'opaque-root', 'opaque-olga', 'opaque-idle'];

export function expectedAllowed(who, row) {
  switch (who) {
    case 'opaque-admin':
    case 'signed-admin':
      return row.admin;
    case 'opaque-team':
    case 'signed-team':
      return row.team;
    case 'opaque-std':
      return [5, 22, 23].includes(row.row) ? false : row.organization;
    case 'opaque-root':
      return true;
    case 'opaque-olga':
      return false;
    case 'opaque-idle':
      return row.target === 'Stack' ? false : row.team;
    default:
      throw new Error(`no expectation for ${who}`);
  }
}

/** The deny code a refusal must carry, when the model fixes it. */
export function expectedDenyCode(who, row) {
  if (who === 'opaque-olga') return 'not_a_member';
  // Machine tokens can never create or delete organization tokens (PRODUCT decision 3).
  if ([31, 32].includes(row.row) && who !== 'opaque-root') return 'machine_token';
  return null;
}

/** The 13 token error codes (PRODUCT "Tokens", src/error.rs TokenError). */
export const TOKEN_ERROR_CODES = [
  'malformed_token',
  'unknown_token',
  'token_expired',
  'token_not_yet_valid',
  'token_revoked',
  'bad_signature',
  'unknown_key',
  'algorithm_not_allowed',
  'invalid_claims',
  'invalid_issuer',
  'invalid_audience',
  'expiry_policy_violation',
  'wrong_organization',
];

/** The Authorization header value for a fixtures/tokens.json credential (bare tokens get `token `). */
export function authorizationFor(credential) {
  if (credential === null || credential === undefined) return null;
  return /^(token|bearer|basic)\s/i.test(credential) ? credential : `token ${credential}`;
}
