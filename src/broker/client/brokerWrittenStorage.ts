// A window's view of a history file the broker writes: read once (what was recorded before this
// window joined), then never read or written again — the window records the live traffic of every
// client from the broker's events, and the broker is the file's one writer.
import type { HistoryStorage } from '../../core/history/historyTypes';

export function brokerWrittenStorage(file: HistoryStorage): HistoryStorage {
  let readOnce = false;
  return {
    async read() {
      if (readOnce) return undefined;
      readOnce = true;
      return file.read();
    },
    async write() {
      // The broker writes this file.
    },
    async setAside() {
      // Nor is an unreadable file this window's to move.
    },
  };
}
