// "Open Chat with @claude" (the walkthrough's chat step): opens the Chat view with "@claude " in
// its input. The step is ticked by the context key this sets, so only once chat really opened:
// with chat turned off (`chat.disableAIFeatures`) VS Code's chat.open silently does nothing, and
// the user is told why and offered to turn chat on instead.
import * as vscode from 'vscode';

const OPENED_CONTEXT = 'resilientClaude.chatOpened';

export async function openChatWithClaude(log: vscode.LogOutputChannel): Promise<boolean> {
  const chat = vscode.workspace.getConfiguration('chat');
  if (chat.get<boolean>('disableAIFeatures') === true) {
    log.info('Open Chat with @claude: chat is turned off in this window (chat.disableAIFeatures).');
    const turnOn = vscode.l10n.t('Turn On Chat');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('Chat is turned off in this window ("chat.disableAIFeatures" is on), so the Chat view cannot open. Turn chat on to ask @claude there.'),
      turnOn,
    );
    if (pick !== turnOn) return false;
    await chat.update('disableAIFeatures', false, vscode.ConfigurationTarget.Global);
  }
  const commands = await vscode.commands.getCommands(true);
  if (!commands.includes('workbench.action.chat.open')) {
    void vscode.window.showWarningMessage(vscode.l10n.t('This VS Code has no Chat view: use Resilient Claude: Ask Claude… instead.'));
    return false;
  }
  await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@claude ', isPartialQuery: true });
  await vscode.commands.executeCommand('setContext', OPENED_CONTEXT, true);
  return true;
}
