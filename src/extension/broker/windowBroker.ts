// This window's side of the one manager per user: the manager ClaudeClient uses is a client of
// the user's broker (SharedManager over vscode-languageclient), falling back to an in-process
// manager whenever the broker is unreachable; while shared, the broker writes the history file.
// The setting resilientClaude.sharedManager turns sharing off (each window its own manager).
// Rehearsals never come here: they run on a manager of the window's own (ClaudeClient).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ManagerConfig, RequestManager } from '../../core/contract';
import type { BrokerChannel } from '../../broker/client/channel';
import type { ClientKind } from '../../broker/protocol';
import type { Sharing } from '../../broker/client/sharedManager';
import { SharedManager } from '../../broker/client/sharedManager';
import { runtimeDirPath } from '../../broker/runtimeDir';
import type { HistoryHost } from '../historyHost';

export class WindowBroker implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private shared: SharedManager | null = null;
  private unsubscribe: (() => void) | null = null;

  /** Sharing started, stopped, or the number of clients changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extensionPath: string,
    private readonly history: HistoryHost,
    private readonly log: vscode.LogOutputChannel,
    private readonly clientName: string,
    private readonly enabled: () => boolean,
  ) {}

  /** Whether this window's requests run on the shared broker now, or null when sharing is off. */
  get sharing(): Sharing | null {
    return this.shared?.sharing ?? null;
  }

  /** Whether this window uses the user's broker (the setting resilientClaude.sharedManager). */
  get enabledNow(): boolean {
    return this.enabled();
  }

  /** The history file the broker may write for this window: null while this window writes it itself. */
  brokerHistoryFile(): string | null {
    return this.shared !== null && this.shared.sharing.mode !== 'local' ? this.history.file : null;
  }

  /** A channel of its own to the user's broker (starting one if none runs); rejects when that fails. */
  async openChannel(kind: ClientKind = 'window'): Promise<BrokerChannel> {
    const { openLanguageClientChannel } = await import('./languageClientChannel.js');
    return openLanguageClientChannel({
      runtimeDir: runtimeDirPath(),
      brokerScript: path.join(this.extensionPath, 'dist', 'broker.js'),
      name: this.clientName,
      log: this.log,
      kind,
    });
  }

  /** The window's manager: a broker client, or a plain in-process manager when sharing is off.
   *  `extra`: another manager of this window (the local endpoint's), which does not report sharing. */
  async createManager(config: ManagerConfig, extra = false): Promise<RequestManager> {
    const { createRequestManager } = await import('../../core/requestManager.js');
    if (!this.enabled()) return createRequestManager(config);
    const shared = new SharedManager({
      config,
      historyFile: this.history.file,
      reconnect: true,
      createLocal: (c) => createRequestManager(c),
      log: (level, message) => (level === 'warn' ? this.log.warn(message) : this.log.info(message)),
      connect: () => this.openChannel(),
    });
    if (extra) return shared;
    this.unsubscribe = shared.onDidChangeSharing((sharing) => {
      void this.history.useBrokerWriter(sharing.mode === 'shared');
      this.changed.fire();
    });
    this.shared = shared;
    return shared;
  }

  dispose(): void {
    this.unsubscribe?.();
    this.changed.dispose();
  }
}
