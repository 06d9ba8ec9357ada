// Owns the persisted attempt history (under the extension's global storage) and
// its 529 alert rule. A change to the alert settings rebuilds the history with
// the new rule after flushing it, so no recorded attempt is lost.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createFileHistoryStorage } from '../core/history/fileHistoryStorage';
import { createHistory } from '../core/history/createHistory';
import type { History, HistoryAlert } from '../core/history/historyTypes';
import type { ManagerEvent } from '../core/types';
import type { ExtensionSettings } from './settings';

export const HISTORY_FILE = 'history.json';

export class HistoryHost implements vscode.Disposable {
  private readonly alerted = new vscode.EventEmitter<HistoryAlert>();
  private readonly changed = new vscode.EventEmitter<void>();
  private history: History;
  private unsubscribe: Array<() => void> = [];
  private rule: { threshold: number; windowMs: number };

  /** A model crossed the 529 alert threshold (once per incident). */
  readonly onAlert = this.alerted.event;
  /** Something was recorded (or the history reloaded). */
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

  get current(): History {
    return this.history;
  }

  record(event: ManagerEvent): void {
    this.history.record(event);
  }

  /** 529 share and attempts for a model over the last `windowMs`. */
  overloadFigures(model: string, windowMs: number, now: number): { rate: number | null; attempts: number } {
    const buckets = this.history.buckets({ model, sinceMs: now - windowMs, untilMs: now });
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
    this.log.info(`Overload alert rule now: above ${rule.threshold * 100}% 529s over ${rule.windowMs / 60000} min.`);
  }

  private open(): History {
    const history = createHistory({ storage: createFileHistoryStorage(this.storageFile), alert: this.rule });
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

  private detach(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  dispose(): void {
    this.detach();
    void this.history.dispose();
    this.alerted.dispose();
    this.changed.dispose();
  }
}

function alertRuleOf(settings: ExtensionSettings): { threshold: number; windowMs: number } {
  return { threshold: settings.alertThreshold, windowMs: settings.alertWindowMinutes * 60_000 };
}
