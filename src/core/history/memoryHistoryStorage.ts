// A history storage that keeps nothing: for histories that must live only as long as they
// are used (the overload rehearsal's simulated traffic never reaches the user's history file).
import type { HistoryStorage } from './historyTypes';

export function createMemoryHistoryStorage(): HistoryStorage {
  let stored: string | undefined;
  return {
    read: async () => stored,
    write: async (data) => {
      stored = data;
    },
    setAside: async () => {
      stored = undefined;
    },
  };
}
