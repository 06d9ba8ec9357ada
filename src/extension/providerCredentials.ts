// Credentials for the other providers, kept only in VS Code's SecretStorage like the
// Anthropic key: AWS keys (or a Bedrock API key) for Bedrock and a Google access token
// for Vertex. Never logged, shown or written to settings. Whether each is set is cached
// so the request configuration (built synchronously) can leave out providers that
// cannot be used yet.
import * as vscode from 'vscode';

const SECRET = {
  awsAccessKeyId: 'resilientClaude.bedrock.awsAccessKeyId',
  awsSecretAccessKey: 'resilientClaude.bedrock.awsSecretAccessKey',
  awsSessionToken: 'resilientClaude.bedrock.awsSessionToken',
  bedrockApiKey: 'resilientClaude.bedrock.apiKey',
  vertexAccessToken: 'resilientClaude.vertex.accessToken',
} as const;

/** AWS access key ids: 16 to 128 capital letters and digits (AKIA… long-term, ASIA… temporary). */
const AWS_ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

export class ProviderCredentials implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  private bedrockSet = false;
  private vertexSet = false;

  /** Fires when Bedrock or Vertex became usable or unusable (a credential set or cleared, in any window). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const ours = new Set<string>(Object.values(SECRET));
    this.subscription = secrets.onDidChange((e) => {
      if (ours.has(e.key)) void this.refresh();
    });
  }

  /** Reads which credentials are set (once at startup; then after every change). */
  async refresh(): Promise<void> {
    const [bedrock, vertex] = [await this.hasBedrockNow(), (await this.read(SECRET.vertexAccessToken)) !== undefined];
    if (bedrock === this.bedrockSet && vertex === this.vertexSet) return;
    this.bedrockSet = bedrock;
    this.vertexSet = vertex;
    this.changed.fire();
  }

  /** True when Bedrock has AWS keys or an API key (as of the last refresh). */
  get hasBedrock(): boolean {
    return this.bedrockSet;
  }

  get hasVertex(): boolean {
    return this.vertexSet;
  }

  bedrockApiKey = (): Promise<string | undefined> => this.read(SECRET.bedrockApiKey);
  awsAccessKeyId = (): Promise<string | undefined> => this.read(SECRET.awsAccessKeyId);
  awsSecretAccessKey = (): Promise<string | undefined> => this.read(SECRET.awsSecretAccessKey);
  awsSessionToken = (): Promise<string | undefined> => this.read(SECRET.awsSessionToken);
  vertexAccessToken = (): Promise<string | undefined> => this.read(SECRET.vertexAccessToken);

  /** "Set AWS Credentials for Bedrock": an access key pair (with a session token for temporary keys) or a Bedrock API key. */
  async promptBedrock(): Promise<boolean> {
    const keys = vscode.l10n.t('AWS access key ID and secret access key');
    const apiKey = vscode.l10n.t('Bedrock API key');
    const kind = await vscode.window.showQuickPick([keys, apiKey], {
      title: vscode.l10n.t('Resilient Claude: Set AWS Credentials for Bedrock'),
      placeHolder: vscode.l10n.t('How Resilient Claude authenticates to Amazon Bedrock'),
      ignoreFocusOut: true,
    });
    if (kind === undefined) return false;
    if (kind === apiKey) {
      const key = await this.askSecret(vscode.l10n.t('Your Amazon Bedrock API key (kept in VS Code secret storage).'));
      if (key === undefined) return false;
      await this.store({ [SECRET.bedrockApiKey]: key }, [SECRET.awsAccessKeyId, SECRET.awsSecretAccessKey, SECRET.awsSessionToken]);
    } else {
      const id = await vscode.window.showInputBox({
        title: vscode.l10n.t('Resilient Claude: AWS Access Key ID'),
        prompt: vscode.l10n.t('The access key ID (AKIA… or ASIA…) of an IAM identity allowed to invoke Bedrock models.'),
        ignoreFocusOut: true,
        validateInput: (value) =>
          AWS_ACCESS_KEY_ID.test(value.trim()) ? undefined : vscode.l10n.t('An access key ID is 16 to 128 capital letters and digits.'),
      });
      if (id === undefined || !AWS_ACCESS_KEY_ID.test(id.trim())) return false;
      const secret = await this.askSecret(vscode.l10n.t('The secret access key for {0} (kept in VS Code secret storage).', id.trim()));
      if (secret === undefined) return false;
      let token: string | undefined;
      if (id.trim().startsWith('ASIA')) {
        token = await this.askSecret(vscode.l10n.t('The session token that goes with these temporary credentials.'));
        if (token === undefined) return false;
      }
      await this.store(
        { [SECRET.awsAccessKeyId]: id.trim(), [SECRET.awsSecretAccessKey]: secret, ...(token !== undefined ? { [SECRET.awsSessionToken]: token } : {}) },
        [SECRET.bedrockApiKey, ...(token === undefined ? [SECRET.awsSessionToken] : [])],
      );
    }
    this.log.info('Bedrock credentials stored in secret storage.');
    void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: Bedrock credentials saved in secret storage.'));
    return true;
  }

  async clearBedrock(): Promise<void> {
    await this.store({}, [SECRET.awsAccessKeyId, SECRET.awsSecretAccessKey, SECRET.awsSessionToken, SECRET.bedrockApiKey]);
    this.log.info('Bedrock credentials removed from secret storage.');
    void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: Bedrock credentials removed from secret storage.'));
  }

  /** "Set Vertex Access Token": a Google OAuth access token (e.g. from `gcloud auth print-access-token`). */
  async promptVertex(): Promise<boolean> {
    const token = await this.askSecret(
      vscode.l10n.t('A Google Cloud access token for Vertex AI, e.g. from "gcloud auth print-access-token" (kept in VS Code secret storage).'),
      vscode.l10n.t('Resilient Claude: Set Vertex Access Token'),
    );
    if (token === undefined) return false;
    await this.store({ [SECRET.vertexAccessToken]: token }, []);
    this.log.info('Vertex access token stored in secret storage.');
    void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: Vertex access token saved in secret storage.'));
    return true;
  }

  async clearVertex(): Promise<void> {
    await this.store({}, [SECRET.vertexAccessToken]);
    this.log.info('Vertex access token removed from secret storage.');
    void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: Vertex access token removed from secret storage.'));
  }

  private async askSecret(prompt: string, title = vscode.l10n.t('Resilient Claude: Set AWS Credentials for Bedrock')): Promise<string | undefined> {
    const value = await vscode.window.showInputBox({
      title,
      prompt,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter a non-empty value.') : undefined),
    });
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  private async store(values: Readonly<Record<string, string>>, remove: readonly string[]): Promise<void> {
    for (const [key, value] of Object.entries(values)) await this.secrets.store(key, value);
    for (const key of remove) await this.secrets.delete(key);
    await this.refresh();
  }

  private async hasBedrockNow(): Promise<boolean> {
    if ((await this.read(SECRET.bedrockApiKey)) !== undefined) return true;
    return (await this.read(SECRET.awsAccessKeyId)) !== undefined && (await this.read(SECRET.awsSecretAccessKey)) !== undefined;
  }

  private async read(key: string): Promise<string | undefined> {
    const value = await this.secrets.get(key);
    return value === undefined || value === '' ? undefined : value;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
