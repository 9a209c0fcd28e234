/**
 * Opens the run history without loading SQLite up front: better-sqlite3 is loaded on the first
 * call, so commands that never touch state.db stay fast. Import this, not `./state-store.js`,
 * from anything a light command imports.
 */
import type { StateStore, StateStoreOptions } from './state-store.js';

export type { StateStore, StateStoreOptions } from './state-store.js';

/** {@link StateStore.open}, with better-sqlite3 loaded on demand. */
export async function openStateStore(file: string, options: StateStoreOptions = {}): Promise<StateStore> {
  const { StateStore: Store } = await import('./state-store.js');
  return Store.open(file, options);
}
