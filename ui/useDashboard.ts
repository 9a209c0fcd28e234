import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DashboardState, DashboardStore } from './store.js';

/** The store the components read; provided once by {@link App}. */
export const StoreContext = createContext<DashboardStore | null>(null);

/** Reads a slice of the dashboard store; the component re-renders only when that slice changes. */
export function useDashboard<T>(selector: (state: DashboardState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useDashboard outside <App>');
  return useStore(store, selector);
}

/** The store itself, for event handlers. */
export function useDashboardStore(): DashboardStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useDashboardStore outside <App>');
  return store;
}
