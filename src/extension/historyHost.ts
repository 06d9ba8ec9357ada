// Owns the persisted attempt history (under the extension's global storage) and
// its 529 alert rule. A change to the alert settings rebuilds the history with
// the new rule after flushing it, so no recorded attempt is lost.
// While an overload rehearsal runs, a separate in-memory history marked as simulated
// is `current` (what the panel, status bar and reports read): simulated traffic never
// reaches the persisted history, and the real one is `current` again once it stops.
// While the window is a client of the shared broker, the broker writes the file and this host
// only reads it once and records the live events (every window's): see useBrokerWriter.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createFileHistoryStorage } from '../core/history/fileHistoryStorage';
import { createHistory } from '../core/history/createHistory';
import { createMemoryHistoryStorage } from '../core/history/memoryHistoryStorage';
import { brokerWrittenStorage } from '../broker/client/brokerWrittenStorage';
import type { History, HistoryAlert } from '../core/history/historyTypes';
import type { ManagerEvent } from '../core/types';
import type { ExtensionSettings } from './settings';

export const HISTORY_FILE = 'history.json';

export class HistoryHost implements vscode.Disposable {
  private readonly alerted = new vscode.EventEmitter<HistoryAlert>();
  private readonly changed = new vscode.EventEmitter<void>();
  private history: History;
  private unsubscribe: Array<() => void> = [];
  private rehearsal: { readonly history: History; readonly scenario: string; readonly unsubscribe: Array<() => void> } | null = null;
  private rule: { threshold: number; windowMs: number };
  private brokerWrites = false;

  /** A model crossed the 529 alert threshold (once per incident). */
  readonly onAlert = this.alerted.event;
  /** Something was recorded, the history reloaded, or `current` switched between real and rehearsal. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly storageFile: string,
    settings: ExtensionSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.rule = alertRuleOf(settings);
    this.history = this.open();
  }

  static inGlobalStorage(storageUri: vscode.Uri, settings: ExtensionSettings, log: vscode.LogOutputChannel): HistoryHost {
    return new HistoryHost(path.join(storageUri.fsPath, HISTORY_FILE), settings, log);
  }

  /** The history to show: the rehearsal's (simulated) while one runs, else the persisted one. */
  get current(): History {
    return this.rehearsal?.history ?? this.history;
  }

  /** The scenario whose simulated traffic `current` holds, or null for real traffic. */
  get rehearsalScenario(): string | null {
    return this.rehearsal?.scenario ?? null;
  }

  /** Records real traffic into the persisted history. */
  record(event: ManagerEvent): void {
    this.history.record(event);
  }

  /** Records rehearsal traffic; dropped when no rehearsal history is open (a late event after the stop). */
  recordRehearsal(event: ManagerEvent): void {
    this.rehearsal?.history.record(event);
  }

  /** A rehearsal started (a fresh simulated history becomes current) or stopped (the real one is again). */
  setRehearsal(scenario: string | null): void {
    if (scenario === null) {
      const ended = this.rehearsal;
      if (!ended) return;
      this.rehearsal = null;
      for (const u of ended.unsubscribe) u();
      void ended.history.dispose();
    } else if (this.rehearsal) {
      // A scenario switch keeps the rehearsal's history (all of it is simulated alike), and every
      // label (panel banner, report, exports) names the scenario now playing, and the one before.
      if (scenario === this.rehearsal.scenario) return;
      this.rehearsal.history.relabel(`overload rehearsal "${scenario}", after "${this.rehearsal.scenario}"`);
      this.rehearsal = { ...this.rehearsal, scenario };
    } else {
      this.rehearsal = this.openRehearsal(scenario);
    }
    this.changed.fire();
  }

  /** The persisted history file (the broker writes it while this window shares the broker). */
  get file(): string {
    return this.storageFile;
  }

  /** The broker became (or stopped being) the file's writer: reopen the history accordingly. */
  async useBrokerWriter(on: boolean): Promise<void> {
    if (on === this.brokerWrites) return;
    this.brokerWrites = on;
    const previous = this.history;
    this.detach();
    await previous.dispose();
    this.history = this.open();
    this.changed.fire();
    this.log.info(on ? 'History: the shared broker writes it; this window shows every window\'s traffic.' : 'History: this window writes it itself.');
  }

  /** Writes the persisted (real) history now. */
  flush(): Promise<void> {
    return this.history.flush();
  }

  /** 529 share and attempts for a model over the last `windowMs`, in the current history. */
  overloadFigures(model: string, windowMs: number, now: number): { rate: number | null; attempts: number } {
    const buckets = this.current.buckets({ model, sinceMs: now - windowMs, untilMs: now });
    const attempts = buckets.reduce((sum, b) => sum + b.attempts, 0);
    const overloaded = buckets.reduce((sum, b) => sum + b.overloaded529, 0);
    return { rate: attempts === 0 ? null : overloaded / attempts, attempts };
  }

  async applySettings(settings: ExtensionSettings): Promise<void> {
    const rule = alertRuleOf(settings);
    if (rule.threshold === this.rule.threshold && rule.windowMs === this.rule.windowMs) return;
    this.rule = rule;
    const previous = this.history;
    this.detach();
    await previous.dispose();
    this.history = this.open();
    const rehearsal = this.rehearsal;
    if (rehearsal) {
      // The rehearsal's history starts over under the new rule (it holds only simulated traffic).
      for (const u of rehearsal.unsubscribe) u();
      void rehearsal.history.dispose();
      this.rehearsal = this.openRehearsal(rehearsal.scenario);
    }
    this.changed.fire();
    this.log.info(`Overload alert rule now: above ${rule.threshold * 100}% 529s over ${rule.windowMs / 60000} min.`);
  }

  private open(): History {
    const file = createFileHistoryStorage(this.storageFile);
    const history = createHistory({ storage: this.brokerWrites ? brokerWrittenStorage(file) : file, alert: this.rule });
    this.unsubscribe = [
      history.onAlert((alert) => this.alerted.fire(alert)),
      history.onChange(() => this.changed.fire()),
      history.onWarning((message) => this.log.warn(`History: ${message}`)),
    ];
    void history.load().then((result) => {
      if (result.status === 'corrupt' || result.status === 'unavailable') this.log.warn(`History: ${result.warning}`);
      else if (result.status === 'loaded') this.log.info(`History loaded: ${result.buckets} buckets, ${result.failures} failures.`);
    });
    return history;
  }

  private openRehearsal(scenario: string): { history: History; scenario: string; unsubscribe: Array<() => void> } {
    const history = createHistory({
      storage: createMemoryHistoryStorage(),
      alert: this.rule,
      simulated: `overload rehearsal "${scenario}"`,
    });
    void history.load();
    return {
      history,
      scenario,
      unsubscribe: [
        history.onAlert((alert) => this.alerted.fire(alert)),
        history.onChange(() => this.changed.fire()),
      ],
    };
  }

  private detach(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  dispose(): void {
    this.detach();
    this.setRehearsal(null);
    void this.history.dispose();
    this.alerted.dispose();
    this.changed.dispose();
  }
}

function alertRuleOf(settings: ExtensionSettings): { threshold: number; windowMs: number } {
  return { threshold: settings.alertThreshold, windowMs: settings.alertWindowMinutes * 60_000 };
}
