// Revisions in the edge gateway: outcomes that show them, and the URL that asks for a delta.

/** An outcome with its revisions as decimal strings (exact, and JSON can write them). */
export function shownRevisions(outcome) {
  const shown = { ...outcome };
  for (const key of ['revision', 'previous', 'current']) if (typeof shown[key] === 'bigint') shown[key] = String(shown[key]);
  return shown;
}

/** `url` with `since=<revision>` added (a refresh by delta), or as it is. */
export function withSince(url, since) {
  if (since === null || since === undefined) return url;
  const u = new URL(url);
  u.searchParams.set('since', String(since));
  return u.toString();
}
