// The Anthropic API key, kept only in VS Code's SecretStorage. The key is never
// logged, shown, or written to settings; this class is the one place that reads it. A read is a
// round trip to the editor's main process, and every request needs the key (to name whose rate
// limits it spends, and for each attempt's client), so the value read is kept until SecretStorage
// says the key changed (here or in another window).
import * as vscode from 'vscode';

const SECRET_KEY = 'resilientClaude.anthropicApiKey';
const ENV_OFFER_KEY = 'resilientClaude.envKeyImportOffered';
export const ENV_KEY_VARIABLE = 'ANTHROPIC_API_KEY';

export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  /** The last read, until the key changes. */
  private read: Promise<string | undefined> | null = null;

  /** Fires when the key was set or cleared (in this window or another). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key !== SECRET_KEY) return;
      this.read = null;
      this.changed.fire();
    });
  }

  get(): Promise<string | undefined> {
    if (this.read !== null) return this.read;
    const read = Promise.resolve(this.secrets.get(SECRET_KEY)).then((key) => (key === undefined || key === '' ? undefined : key));
    this.read = read;
    // A failed read is not kept: the next one asks again.
    read.catch(() => {
      if (this.read === read) this.read = null;
    });
    return read;
  }

  async has(): Promise<boolean> {
    return (await this.get()) !== undefined;
  }

  async set(key: string): Promise<void> {
    const trimmed = key.trim();
    if (trimmed === '') throw new Error(vscode.l10n.t('The API key is empty.'));
    this.read = null;
    await this.secrets.store(SECRET_KEY, trimmed);
    this.read = null;
    this.log.info('API key stored in secret storage.');
  }

  async clear(): Promise<void> {
    this.read = null;
    await this.secrets.delete(SECRET_KEY);
    this.read = null;
    this.log.info('API key removed from secret storage.');
  }

  /** Once per installation: offers to copy ANTHROPIC_API_KEY from the environment into secret storage. */
  async offerEnvironmentKey(environment: NodeJS.ProcessEnv = process.env): Promise<void> {
    const fromEnv = environment[ENV_KEY_VARIABLE]?.trim();
    if (!fromEnv || this.globalState.get<boolean>(ENV_OFFER_KEY) === true || (await this.has())) return;
    await this.globalState.update(ENV_OFFER_KEY, true);
    const importKey = vscode.l10n.t('Import Key');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Resilient Claude found {0} in the environment. Store it in VS Code secret storage?', ENV_KEY_VARIABLE),
      importKey,
      vscode.l10n.t('Not Now'),
    );
    if (choice === importKey) {
      await this.set(fromEnv);
      void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: API key imported into secret storage.'));
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
