/**
 * What the site's pages load once and share: the published disclosures, the county's settings,
 * answers, posting proofs, public documents. A static build loads each once per build process.
 * The Node server renders village, project, history and verification pages on demand (see
 * src/on-demand/) and keeps these until something public changes; `forgetSiteData()` then drops
 * them all, and the next page reads the database again.
 */
const forgetters = new Set<() => void>();

/** `load`, run on first use and shared until {@link forgetSiteData}; a failed load is retried by the next caller. */
export function loadedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  forgetters.add(() => {
    value = undefined;
  });
  return () => {
    if (!value) {
      const pending = load();
      value = pending;
      pending.catch(() => {
        if (value === pending) value = undefined;
      });
    }
    return value;
  };
}

/** {@link loadedOnce} per key (a county's data, say): each key loaded on first use, all dropped together. */
export function loadedOncePer<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const values = new Map<string, Promise<T>>();
  forgetters.add(() => values.clear());
  return (key) => {
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

/** Drops everything loaded through {@link loadedOnce} and {@link loadedOncePer}. */
export function forgetSiteData(): void {
  for (const forget of forgetters) forget();
}
