// The one listener set: `on` adds a listener and returns the function that removes it; `emit`
// calls every listener present when it starts (one added or removed meanwhile does not change
// that round), and a listener that throws stops neither the others nor the emitter's owner —
// an event is news, never a reason for a request, the history or a poll to fail.

export type Unsubscribe = () => void;

export class Emitter<Args extends readonly unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();

  /** Adds `listener`; calling the result removes it (again: nothing happens). */
  on(listener: (...args: Args) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(...args: Args): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(...args);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /** Forgets every listener (the owner is disposed). */
  clear(): void {
    this.listeners.clear();
  }
}
