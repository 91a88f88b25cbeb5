/**
 * What the site's pages load once and share: the published disclosures, the county's settings,
 * answers, posting proofs, public documents. A static build loads each once per build process.
 * The Node server renders village, project, history and verification pages on demand (see
 * src/on-demand/) and keeps these until something public changes; `forgetSiteData()` then drops
 * them all, and the next page reads the database again. The Worker renders the same pages, each
 * request from its own reads ({@link useSiteCacheScope}): its isolates never hear of a change made
 * in another, and workerd forbids one request waiting on another's I/O.
 */
const forgetters = new Set<() => void>();

/** The values of one scope: each cache's own entry, by the cache's identity. */
type ScopeValues = Map<object, unknown>;
let currentScope: (() => ScopeValues | undefined) | null = null;

/**
 * From now on, everything loaded is kept in the object `scope()` returns (a request's own, say)
 * rather than in the process; when it returns undefined, in the process as before.
 */
export function useSiteCacheScope(scope: () => ScopeValues | undefined): void {
  currentScope = scope;
}

/** A fresh scope for {@link useSiteCacheScope}. */
export function newSiteCacheScope(): ScopeValues {
  return new Map();
}

/** The map one cache keeps its values in: the current scope's, or the process's own. */
function storeOf<V>(identity: object, own: Map<string, Promise<V>>): Map<string, Promise<V>> {
  const scope = currentScope?.();
  if (!scope) return own;
  let store = scope.get(identity) as Map<string, Promise<V>> | undefined;
  if (!store) scope.set(identity, (store = new Map()));
  return store;
}

/** {@link loadedOnce} per key (a county's data, say): each key loaded on first use, all dropped together. */
export function loadedOncePer<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const own = new Map<string, Promise<T>>();
  const identity = {};
  forgetters.add(() => own.clear());
  return (key) => {
    const values = storeOf(identity, own);
    let value = values.get(key);
    if (!value) {
      const pending = load(key);
      value = pending;
      values.set(key, pending);
      pending.catch(() => {
        if (values.get(key) === pending) values.delete(key);
      });
    }
    return value;
  };
}

/** `load`, run on first use and shared until {@link forgetSiteData}; a failed load is retried by the next caller. */
export function loadedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  const once = loadedOncePer(() => load());
  return () => once('');
}

/** Drops everything loaded through {@link loadedOnce} and {@link loadedOncePer}. */
export function forgetSiteData(): void {
  for (const forget of forgetters) forget();
}
