// Wires Claude into VS Code's chat: the language model provider, the @claude participant and
// the participant's copy command. Once the provider is registered, its models are resolved
// with one `lm.selectChatModels` call, so @claude answers at once instead of "Language model
// unavailable" (VS Code resolves a vendor's models only when something asks for them).
import * as vscode from 'vscode';
import type { ClaudeClient } from '../claudeClient';
import { ClaudeChatProvider } from './chatModelProvider';
import { COPY_REQUEST_IDS_COMMAND, PARTICIPANT_ID, TOKEN_RATIOS_KEY, VENDOR } from './chatIds';
import { ClaudeParticipant } from './claudeParticipant';
import { ModelList } from './modelList';
import { TokenCounter } from './tokenCounter';

export interface ChatParts {
  readonly provider: ClaudeChatProvider;
  readonly participant: ClaudeParticipant;
  readonly disposables: readonly vscode.Disposable[];
}

export function registerChat(context: vscode.ExtensionContext, client: ClaudeClient, log: vscode.LogOutputChannel): ChatParts {
  const counter = new TokenCounter();
  counter.restore(context.globalState.get(TOKEN_RATIOS_KEY));
  const models = new ModelList(client);
  const provider = new ClaudeChatProvider(client, models, counter, log, () => void context.globalState.update(TOKEN_RATIOS_KEY, counter.snapshot()));
  const participant = new ClaudeParticipant(client, log);
  const chatParticipant = vscode.chat.createChatParticipant(PARTICIPANT_ID, participant.handler);
  chatParticipant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
  const disposables = [
    models,
    provider,
    vscode.lm.registerLanguageModelChatProvider(VENDOR, provider),
    chatParticipant,
    vscode.commands.registerCommand(COPY_REQUEST_IDS_COMMAND, async (ids: unknown) => {
      const list = Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
      if (list.length === 0) return;
      await vscode.env.clipboard.writeText(list.join('\n'));
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied {0} request ID(s) to the clipboard.', list.length));
    }),
  ];
  void Promise.resolve(vscode.lm.selectChatModels({ vendor: VENDOR })).then(
    (found) => log.info(`Chat: ${found.length} Claude model(s) offered to VS Code's chat as "${VENDOR}".`),
    (error: unknown) => log.warn(`Chat: could not resolve the Claude models: ${error instanceof Error ? error.message : String(error)}`),
  );
  return { provider, participant, disposables };
}
