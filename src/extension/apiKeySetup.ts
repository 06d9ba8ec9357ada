// "Set API Key": a password box that warns when the text does not look like an Anthropic key,
// then, once saved, offers a live check with a plain result. Returns whether a key was saved, so
// a question interrupted for want of a key can go on.
import * as vscode from 'vscode';
import { checkApiKey, looksLikeAnthropicKey } from './apiKeyCheck';
import type { KeyCheckResult } from './apiKeyCheck';
import type { ApiKeyStore } from './apiKeyStore';
import type { Endpoint } from './managerConfig';

export class ApiKeySetup {
  constructor(
    private readonly keys: ApiKeyStore,
    /** Where the check goes: the configured API (or gateway) with the stored key. */
    private readonly endpoint: () => Endpoint,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Asks for a key and stores it; false when the user backed out. Offers the live check afterwards. */
  async prompt(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: vscode.l10n.t('Resilient Claude: Set API Key'),
      prompt: vscode.l10n.t('Your Anthropic API key. It is kept in VS Code secret storage, never in settings.'),
      placeHolder: 'sk-ant-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => {
        if (value.trim() === '') return vscode.l10n.t('Enter a non-empty API key.');
        if (looksLikeAnthropicKey(value)) return undefined;
        return {
          message: vscode.l10n.t('This does not look like an Anthropic API key (they start with sk-ant-). Save it anyway only for a gateway with its own keys.'),
          severity: vscode.InputBoxValidationSeverity.Warning,
        };
      },
    });
    if (key === undefined || key.trim() === '') return false;
    await this.keys.set(key);
    void this.offerCheck(looksLikeAnthropicKey(key));
    return true;
  }

  private async offerCheck(wellShaped: boolean): Promise<void> {
    const check = vscode.l10n.t('Check Key');
    const choice = wellShaped
      ? await vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: API key saved in secret storage.'), check)
      : await vscode.window.showWarningMessage(
          vscode.l10n.t('Resilient Claude: API key saved in secret storage, but it does not look like an Anthropic key (sk-ant-…).'),
          check,
          vscode.l10n.t('Set API Key'),
        );
    if (choice === check) await this.check();
    else if (choice !== undefined) await vscode.commands.executeCommand('resilientClaude.setApiKey');
  }

  /** The live check: one Models API call with the stored key, and a message that says what it means. */
  async check(): Promise<KeyCheckResult> {
    const endpoint = this.endpoint();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the API key…') },
      () => checkApiKey(endpoint),
    );
    const where = endpoint.baseURL ?? 'https://api.anthropic.com';
    switch (result.kind) {
      case 'accepted':
        this.log.info(`API key check: accepted by ${where} (${result.models} models listed).`);
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Resilient Claude: the API accepted the key ({0} models available).', result.models),
        );
        break;
      case 'rejected': {
        this.log.warn(`API key check: rejected by ${where} (${result.status} ${result.errorType ?? ''}).`);
        const again = vscode.l10n.t('Set API Key');
        const choice = await vscode.window.showErrorMessage(
          vscode.l10n.t('Resilient Claude: the API rejected the key ({0}). Requests with it will fail until you set a valid one.', result.status),
          again,
        );
        if (choice === again) await vscode.commands.executeCommand('resilientClaude.setApiKey');
        break;
      }
      case 'unreachable':
        this.log.warn(`API key check: ${where} could not be reached (${result.reason}).`);
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Resilient Claude: could not reach {0} to check the key ({1}). The key is saved; it is checked on the next request.', where, result.reason),
        );
        break;
    }
    return result;
  }
}
