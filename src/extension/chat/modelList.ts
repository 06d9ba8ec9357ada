// The provider's model list: the Models API catalogue (modelCatalog.ts) with the configured
// chain first, cached for a while and reloaded when what it depends on changes (chain,
// endpoint, credentials, rehearsal), which is also when VS Code is told the list changed.
import * as vscode from 'vscode';
import type { ClaudeClient } from '../claudeClient';
import { loadCatalog } from '../modelCatalog';
import type { Catalog } from '../modelCatalog';
import { chatModelInformation } from './modelInformation';
import type { ChatModelInformation } from './modelInformation';

const CACHE_MS = 10 * 60_000;

export class ModelList implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  private cached: { key: string; at: number; catalog: Promise<Catalog> } | null = null;
  private lastKey: string;

  readonly onDidChange = this.changed.event;

  constructor(private readonly client: ClaudeClient) {
    this.lastKey = this.key();
    // Health changes often (breakers); only a change of what the list depends on is news.
    this.subscription = client.onDidChangeHealth(() => {
      const key = this.key();
      if (key === this.lastKey) return;
      this.lastKey = key;
      this.cached = null;
      this.changed.fire();
    });
  }

  private key(): string {
    const endpoint = this.client.routes.endpoint();
    return JSON.stringify([this.client.routes.chain, endpoint.baseURL ?? '', this.client.routes.hasCredentials(), this.client.routes.rehearsalScenario]);
  }

  async models(): Promise<ChatModelInformation[]> {
    const key = this.key();
    const now = Date.now();
    if (this.cached === null || this.cached.key !== key || now - this.cached.at > CACHE_MS) {
      const catalog = loadCatalog(this.client.routes.endpoint(), this.client.routes.chain);
      this.cached = { key, at: now, catalog };
      // An unreachable API is not cached for long: try again on the next ask.
      void catalog.then((c) => {
        if (c.source !== 'api' && this.cached?.catalog === catalog) this.cached = null;
      });
    }
    return chatModelInformation(await this.cached.catalog, this.client.routes.chain, vscode.l10n.t);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
