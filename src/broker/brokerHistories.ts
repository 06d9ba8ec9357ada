// The broker is the one writer of each history file its clients name: every event of a manager
// is recorded in the histories of the clients attached to it, persisted soon after (a broker
// that is killed loses at most a second of it) and flushed when the broker exits.
import { createFileHistoryStorage } from '../core/history/fileHistoryStorage';
import { createHistory } from '../core/history/createHistory';
import type { History } from '../core/history/historyTypes';
import type { ManagerEvent } from '../core/types';

const PERSIST_DELAY_MS = 1_000;

export class BrokerHistories {
  private readonly histories = new Map<string, History>();

  constructor(private readonly log: (message: string) => void) {}

  /** The history of this file, opened (and loaded) on first use. */
  private open(file: string): History {
    let history = this.histories.get(file);
    if (!history) {
      history = createHistory({ storage: createFileHistoryStorage(file), persistDelayMs: PERSIST_DELAY_MS });
      history.onWarning((message) => this.log(`History ${file}: ${message}`));
      void history.load();
      this.histories.set(file, history);
    }
    return history;
  }

  record(files: Iterable<string>, event: ManagerEvent): void {
    for (const file of files) this.open(file).record(event);
  }

  /** Writes every history now (at exit). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.histories.values()].map((h) => h.dispose().catch((error: unknown) => this.log(`History flush failed: ${String(error)}`))));
    this.histories.clear();
  }
}
