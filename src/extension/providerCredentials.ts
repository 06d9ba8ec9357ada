// Credentials for the other providers. Stored ones are kept only in VS Code's
// SecretStorage like the Anthropic key — AWS keys (or a Bedrock API key) for Bedrock, a
// Google access token for Vertex — and take precedence; without them, the credentials
// the user already has are used (the AWS default chain with resilientClaude.bedrock.profile,
// Google Application Default Credentials). Never logged, shown or written to settings.
// Whether each provider can authenticate is cached so the request configuration (built
// synchronously) can leave out providers that cannot be used yet.
import * as vscode from 'vscode';
import { registerSecrets } from '../core/secretRegistry';
import { AmbientCredentials } from './ambientCredentials';
import type { AmbientProbe } from './ambientCredentials';
import type { ExtensionSettings } from './settings';

const SECRET = {
  awsAccessKeyId: 'resilientClaude.bedrock.awsAccessKeyId',
  awsSecretAccessKey: 'resilientClaude.bedrock.awsSecretAccessKey',
  awsSessionToken: 'resilientClaude.bedrock.awsSessionToken',
  bedrockApiKey: 'resilientClaude.bedrock.apiKey',
  vertexAccessToken: 'resilientClaude.vertex.accessToken',
} as const;

/** AWS access key ids: 16 to 128 capital letters and digits (AKIA… long-term, ASIA… temporary). */
const AWS_ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/** The settings this reads: which providers, the AWS profile, the Vertex project. */
export interface CredentialSettings {
  readonly settings: ExtensionSettings;
  readonly onDidChange: vscode.Event<ExtensionSettings>;
}

export class ProviderCredentials implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];
  private readonly ambient = new AmbientCredentials();
  private readonly logged = new Map<string, string>();
  private bedrockSet = false;
  private vertexSet = false;

  /** Fires when Bedrock or Vertex became usable or unusable (a credential set or cleared, in any window; a setting changed). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly config: CredentialSettings,
  ) {
    const ours = new Set<string>(Object.values(SECRET));
    this.subscriptions = [
      secrets.onDidChange((e) => {
        if (ours.has(e.key)) void this.refresh(true);
      }),
      config.onDidChange(() => void this.refresh(true)),
    ];
  }

  /**
   * Reads which providers can authenticate: stored credentials, else (for a configured
   * provider) the user's AWS chain or Google ADC — asked again after `fresh` or a minute.
   */
  async refresh(fresh = false): Promise<void> {
    const { settings } = this.config;
    const bedrock =
      (await this.hasStoredBedrock()) ||
      (settings.providers.includes('bedrock') && this.note('Bedrock', await this.ambient.bedrock(settings.bedrockProfile, fresh)));
    const vertex =
      (await this.read(SECRET.vertexAccessToken)) !== undefined ||
      (settings.providers.includes('vertex') && settings.vertexProjectId !== '' && this.note('Vertex', await this.ambient.vertex(settings.vertexProjectId, fresh)));
    if (bedrock === this.bedrockSet && vertex === this.vertexSet) return;
    this.bedrockSet = bedrock;
    this.vertexSet = vertex;
    this.changed.fire();
  }

  /** Logs where a provider's credentials come from (or why there are none) when that changes; never a value. */
  private note(provider: string, probe: AmbientProbe): boolean {
    const line = probe.found ? `${provider}: using ${probe.source}.` : probe.message;
    if (this.logged.get(provider) !== line) {
      this.logged.set(provider, line);
      if (probe.found) this.log.info(line);
      else this.log.warn(line);
    }
    return probe.found;
  }

  /** True when Bedrock has stored credentials or the AWS chain found some (as of the last refresh). */
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

  /**
   * "Set AWS Credentials for Bedrock": an access key pair (with a session token for temporary keys),
   * a Bedrock API key, or the user's own AWS set-up (profile, environment, SSO) with nothing stored.
   */
  async promptBedrock(): Promise<boolean> {
    const keys = vscode.l10n.t('AWS access key ID and secret access key');
    const apiKey = vscode.l10n.t('Bedrock API key');
    const chain = vscode.l10n.t('My AWS profile, environment or SSO login (nothing stored)');
    const kind = await vscode.window.showQuickPick([chain, keys, apiKey], {
      title: vscode.l10n.t('Resilient Claude: Set AWS Credentials for Bedrock'),
      placeHolder: vscode.l10n.t('How Resilient Claude authenticates to Amazon Bedrock'),
      ignoreFocusOut: true,
    });
    if (kind === undefined) return false;
    if (kind === chain) {
      // Stored keys would take precedence: remove them, then let the user name a profile (or leave it empty).
      await this.store({}, [SECRET.awsAccessKeyId, SECRET.awsSecretAccessKey, SECRET.awsSessionToken, SECRET.bedrockApiKey]);
      await vscode.commands.executeCommand('workbench.action.openSettings', 'resilientClaude.bedrock.profile');
      return true;
    }
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
    this.log.info('Bedrock credentials removed from secret storage; the AWS default credential chain is used if it finds any.');
    void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: Bedrock credentials removed from secret storage.'));
  }

  /** "Set Vertex Access Token": a Google OAuth access token (e.g. from `gcloud auth print-access-token`). */
  async promptVertex(): Promise<boolean> {
    const token = await this.askSecret(
      vscode.l10n.t(
        'A Google Cloud access token for Vertex AI, e.g. from "gcloud auth print-access-token" (kept in VS Code secret storage; it expires after about an hour). Without one, your Application Default Credentials ("gcloud auth application-default login") are used and refreshed automatically.',
      ),
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
    this.log.info('Vertex access token removed from secret storage; Google Application Default Credentials are used if present.');
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
    registerSecrets(...Object.values(values));
    for (const [key, value] of Object.entries(values)) await this.secrets.store(key, value);
    for (const key of remove) await this.secrets.delete(key);
    await this.refresh(true);
  }

  private async hasStoredBedrock(): Promise<boolean> {
    if ((await this.read(SECRET.bedrockApiKey)) !== undefined) return true;
    return (await this.read(SECRET.awsAccessKeyId)) !== undefined && (await this.read(SECRET.awsSecretAccessKey)) !== undefined;
  }

  /** A stored value; each one read is registered with redaction (the reports are built in this process). */
  private async read(key: string): Promise<string | undefined> {
    const value = await this.secrets.get(key);
    if (value === undefined || value === '') return undefined;
    registerSecrets(value);
    return value;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
