// The gateway's route table: Pulumi Cloud REST API requests mapped to the actions of the token
// action matrix (src/catalog/token_matrix.rs, model-facts E.2) and the scope that decides each.
//
// `target` says which resource the scope is checked on:
//   stack  `org/project/stack` from the path      org   `org` from the path
//   team   `org/team` from the path               list  every stack the request lists (List stacks)
//   self   none: authentication only (who am I)
// `rows` are the matrix rows a route serves. Some REST routes serve two rows: the matrix lists the
// stack webhook actions twice (rows 6–10 under Stacks, 33–37 under Webhooks), and Pulumi's REST
// API answers "Get stack tags" with Get stack (rows 2 and 11). Rows 24–26 share one route,
// `PATCH /api/orgs/{org}/teams/{team}`, told apart by the request body (`variants`).
//
// Anything not in this table is 404 (or 405 for a known path with another method): the gateway
// only lets through what it can decide.

/** @typedef {{ method: string, path: string, action: string, rows: number[], scope: string | null, target: 'stack' | 'org' | 'team' | 'list' | 'self', variants?: { field: string[], action: string, rows: number[] }[] }} Route */

const STACK = '/api/stacks/:org/:project/:stack';
const ORG = '/api/orgs/:org';

/** @type {Route[]} */
export const ROUTES = [
  // Stacks
  { method: 'GET', path: '/api/user/stacks', action: 'List stacks', rows: [1], scope: 'stack:read', target: 'list' },
  { method: 'GET', path: STACK, action: 'Get stack', rows: [2, 11], scope: 'stack:read', target: 'stack' },
  { method: 'GET', path: `${STACK}/export`, action: 'Get stack state', rows: [3], scope: 'stack:export', target: 'stack' },
  { method: 'POST', path: `${STACK}/transfer`, action: 'Transfer stack', rows: [4], scope: 'stack:transfer', target: 'stack' },
  { method: 'DELETE', path: STACK, action: 'Delete stack', rows: [5], scope: 'stack:delete', target: 'stack' },
  { method: 'GET', path: `${STACK}/hooks`, action: 'List stack webhooks', rows: [6, 33], scope: 'stack_webhook:read', target: 'stack' },
  { method: 'POST', path: `${STACK}/hooks`, action: 'Create stack webhook', rows: [7, 34], scope: 'stack_webhook:create', target: 'stack' },
  { method: 'GET', path: `${STACK}/hooks/:hook`, action: 'Get stack webhook', rows: [8, 35], scope: 'stack_webhook:read', target: 'stack' },
  { method: 'POST', path: `${STACK}/hooks/:hook/ping`, action: 'Ping stack webhook', rows: [9, 36], scope: 'stack_webhook:update', target: 'stack' },
  {
    method: 'GET',
    path: `${STACK}/hooks/:hook/deliveries`,
    action: 'List stack webhook deliveries',
    rows: [10, 37],
    scope: 'stack_webhook:read',
    target: 'stack',
  },
  // Stack tags (Get stack tags is Get stack, above)
  { method: 'POST', path: `${STACK}/tags`, action: 'Set stack tag', rows: [12], scope: 'stack_tags:update', target: 'stack' },
  { method: 'DELETE', path: `${STACK}/tags/:tag`, action: 'Delete stack tag', rows: [13], scope: 'stack_tags:update', target: 'stack' },
  // Stack updates
  { method: 'GET', path: `${STACK}/updates`, action: 'List stack updates', rows: [14], scope: 'stack:read', target: 'stack' },
  { method: 'GET', path: `${STACK}/update/:update`, action: 'Get update status', rows: [15], scope: 'stack:read', target: 'stack' },
  { method: 'GET', path: `${STACK}/update/:update/events`, action: 'List update events', rows: [16], scope: 'stack:read', target: 'stack' },
  { method: 'GET', path: `${STACK}/updates/latest/previews`, action: 'List previews', rows: [17], scope: 'stack:read', target: 'stack' },
  // Organizations: members
  { method: 'GET', path: `${ORG}/members`, action: 'List users', rows: [18], scope: 'org_member:read', target: 'org' },
  { method: 'POST', path: `${ORG}/members/:user`, action: 'Add user to organization', rows: [19], scope: 'org_member:add', target: 'org' },
  { method: 'DELETE', path: `${ORG}/members/:user`, action: 'Remove user from organization', rows: [20], scope: 'org_member:delete', target: 'org' },
  { method: 'PATCH', path: `${ORG}/members/:user`, action: 'Update member role', rows: [29], scope: 'org_member:update', target: 'org' },
  // Organizations: teams
  { method: 'GET', path: `${ORG}/teams`, action: 'List teams', rows: [21], scope: 'team:list', target: 'org' },
  { method: 'POST', path: `${ORG}/teams/:teamType(pulumi|github)`, action: 'Create team', rows: [22], scope: 'team:create', target: 'org' },
  { method: 'DELETE', path: `${ORG}/teams/:team`, action: 'Delete team', rows: [23], scope: 'team:delete', target: 'team' },
  {
    method: 'PATCH',
    path: `${ORG}/teams/:team`,
    action: 'Update team',
    rows: [],
    scope: 'team:update',
    target: 'team',
    variants: [
      { field: ['memberAction'], action: 'Update team membership', rows: [24] },
      { field: ['addStackPermission', 'editStackPermission'], action: 'Grant stack access to team', rows: [25] },
      { field: ['removeStack'], action: 'Remove stack access from team', rows: [26] },
    ],
  },
  { method: 'POST', path: `${ORG}/teams/:team/tokens`, action: 'Create team token', rows: [27], scope: 'team:create_token', target: 'team' },
  { method: 'DELETE', path: `${ORG}/teams/:team/tokens/:token`, action: 'Delete team token', rows: [28], scope: 'team:delete_token', target: 'team' },
  // Organizations: access tokens
  { method: 'GET', path: `${ORG}/tokens`, action: 'List access tokens', rows: [30], scope: 'org_token:read', target: 'org' },
  { method: 'POST', path: `${ORG}/tokens`, action: 'Create access token', rows: [31], scope: 'org_token:create', target: 'org' },
  { method: 'DELETE', path: `${ORG}/tokens/:token`, action: 'Delete access token', rows: [32], scope: 'org_token:delete', target: 'org' },
  // Organization webhooks
  { method: 'GET', path: `${ORG}/hooks`, action: 'List organization webhooks', rows: [38], scope: 'organization_webhook:read', target: 'org' },
  { method: 'POST', path: `${ORG}/hooks`, action: 'Create organization webhook', rows: [39], scope: 'organization_webhook:create', target: 'org' },
  { method: 'GET', path: `${ORG}/hooks/:hook`, action: 'Get organization webhook', rows: [40], scope: 'organization_webhook:read', target: 'org' },
  { method: 'POST', path: `${ORG}/hooks/:hook/ping`, action: 'Ping organization webhook', rows: [41], scope: 'organization_webhook:update', target: 'org' },
  {
    method: 'GET',
    path: `${ORG}/hooks/:hook/deliveries`,
    action: 'List organization webhook deliveries',
    rows: [42],
    scope: 'organization_webhook:read',
    target: 'org',
  },
  // Audit logs
  { method: 'GET', path: `${ORG}/auditlogs`, action: 'Get audit log events (JSON)', rows: [43], scope: 'audit_logs:read', target: 'org' },
  { method: 'GET', path: `${ORG}/auditlogs/export`, action: 'Export audit log events (CSV or CEF)', rows: [44], scope: 'audit_logs:export', target: 'org' },
  // Not a matrix action: who the credential authenticates as (Pulumi's "Get current user").
  { method: 'GET', path: '/api/user', action: 'Get current user', rows: [], scope: null, target: 'self' },
];

/** One path segment pattern: a literal, `:name`, or `:name(a|b)` (one of the listed values). */
function compileSegment(segment) {
  const m = /^:([A-Za-z]+)(?:\(([^)]*)\))?$/.exec(segment);
  if (!m) return { literal: segment };
  return { param: m[1], oneOf: m[2] ? m[2].split('|') : null };
}

const COMPILED = ROUTES.map((route) => ({ route, segments: route.path.split('/').slice(1).map(compileSegment) }));

/**
 * Splits a URL path into decoded segments; `null` when a segment cannot be decoded, is empty, or
 * decodes to a `/` (`%2F`): no organization, project, stack or team name holds one, and the
 * engine would read it as a separator.
 */
function segmentsOf(pathname) {
  const raw = pathname.split('/').slice(1);
  const out = [];
  for (const part of raw) {
    if (part === '') return null;
    let segment;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (segment.includes('/')) return null;
    out.push(segment);
  }
  return out;
}

function matchSegments(segments, parts) {
  if (segments.length !== parts.length) return null;
  const params = {};
  for (let i = 0; i < segments.length; i += 1) {
    const s = segments[i];
    const p = parts[i];
    if (s.literal !== undefined) {
      if (s.literal !== p) return null;
    } else {
      if (s.oneOf && !s.oneOf.includes(p)) return null;
      params[s.param] = p;
    }
  }
  return params;
}

/**
 * Finds the route for a request: `{ route, params }`, or `{ status: 404 }`, or
 * `{ status: 405, allow }` when the path exists with other methods.
 */
export function matchRoute(method, pathname) {
  const parts = segmentsOf(pathname);
  if (!parts) return { status: 404 };
  const allow = new Set();
  for (const { route, segments } of COMPILED) {
    const params = matchSegments(segments, parts);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allow.add(route.method);
  }
  return allow.size ? { status: 405, allow: [...allow].sort() } : { status: 404 };
}

/** The action a request performs: the route's own, or the body-selected variant's. */
export function actionOf(route, body) {
  if (route.variants && body && typeof body === 'object') {
    for (const variant of route.variants) {
      if (variant.field.some((f) => body[f] !== undefined && body[f] !== null)) return { action: variant.action, rows: variant.rows };
    }
  }
  return { action: route.action, rows: route.rows };
}

/** The resource string a route's scope is checked on. */
export function resourceOf(route, params) {
  switch (route.target) {
    case 'stack':
      return `${params.org}/${params.project}/${params.stack}`;
    case 'team':
      return `${params.org}/${params.team}`;
    case 'org':
      return params.org;
    default:
      return null;
  }
}
