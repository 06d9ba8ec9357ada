// Resilient Claude's entry point: activate() builds a few small objects, each
// owning its own disposables, and registers the commands. Nothing heavy loads
// here: the SDK and the simulator load on first use.
import * as vscode from 'vscode';
import { setSdkLogSink } from '../core/sdkLog';
import { AlertNotifier } from './alertNotifier';
import { AnswerStore } from './answerStore';
import { ApiKeySetup } from './apiKeySetup';
import { ApiKeyStore } from './apiKeyStore';
import { AskCommands } from './askCommands';
import { batchPanelSource } from './batch/batchPanelSource';
import { registerBatchLane } from './batch/registerBatchLane';
import { registerChat } from './chat/registerChat';
import { ClaudeClient } from './claudeClient';
import { WindowBroker } from './broker/windowBroker';
import { ClipboardCommands } from './clipboardCommands';
import { registerDiagnosticsCommand } from './diagnosticsCommand';
import { HistoryHost } from './historyHost';
import { LocalEndpoint } from './endpoint/localEndpoint';
import { endpointFromSettings } from './managerConfig';
import { ModelIdCheck } from './modelIdCheck';
import { openChatWithClaude } from './openChatCommand';
import { ModelSwitcher } from './modelSwitcher';
import { ProviderCredentials } from './providerCredentials';
import { RehearsalController } from './rehearsal';
import { RehearsalCommands } from './rehearsalCommands';
import { SETTINGS_SECTION, SHARED_MANAGER_SETTING, modelChain } from './settings';
import { SettingsWatcher } from './settingsWatcher';
import { StatusBarIndicator } from './statusBarIndicator';
import type { ResilientClaudeTestHooks } from './testHooks';

let flushHistory: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): ResilientClaudeTestHooks | undefined {
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  const log = vscode.window.createOutputChannel('Resilient Claude', { log: true });
  // What the provider SDKs log arrives redacted (src/core/sdkLog.ts); it goes to our log, never the console.
  const restoreSdkLog = setSdkLogSink((level, line) => log[level](`SDK: ${line}`));
  const settings = new SettingsWatcher(log);
  const keys = new ApiKeyStore(context.secrets, context.globalState, log);
  const credentials = new ProviderCredentials(context.secrets, log, settings);
  const rehearsal = new RehearsalController(context.extensionUri, log, () => modelChain(settings.settings));
  const history = HistoryHost.inGlobalStorage(context.globalStorageUri, settings.settings, log);
  const clientName = `resilient-claude-vscode/${version}`;
  const broker = new WindowBroker(context.extensionUri.fsPath, history, log, clientName, () =>
    SHARED_MANAGER_SETTING.read(vscode.workspace.getConfiguration(SETTINGS_SECTION).get(SHARED_MANAGER_SETTING.key), () => undefined),
  );
  const client = new ClaudeClient(settings, keys, credentials, rehearsal, history, log, clientName, broker);
  const rehearsalCommands = new RehearsalCommands(rehearsal, log, context.workspaceState);
  const answers = new AnswerStore(context.workspaceState, vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'answers'), log);
  const keySetup = new ApiKeySetup(keys, () => endpointFromSettings(settings.settings, () => keys.get()), log);
  const ask = new AskCommands(client, answers, log);
  const switcher = new ModelSwitcher(client, history, log);
  const batches = registerBatchLane(context, client, log);
  const clipboard = new ClipboardCommands(client, history, version, (windowMs, now) => batches.host.reportSection(windowMs, now));
  const chat = registerChat(context, client, log);
  const localEndpoint = new LocalEndpoint(context, client, broker, settings, log, [keys.onDidChange, credentials.onDidChange]);
  const modelIds = new ModelIdCheck(client, settings, rehearsal, keys, log);

  // Disposed in this order: requests stop, the simulator closes, the history flushes, the log closes last.
  context.subscriptions.push(
    ...chat.disposables,
    localEndpoint,
    client,
    broker,
    answers,
    rehearsalCommands,
    rehearsal,
    modelIds,
    new StatusBarIndicator(client, history, rehearsal, keys, localEndpoint, modelIds),
    new AlertNotifier(history, client, log),
    settings.onDidChange((s) => void history.applySettings(s)),
    batches.disposable,
    registerDiagnosticsCommand(context, { client, history, switcher, log, version, batches: batchPanelSource(batches.host, batches.commands) }),
    ...Object.entries({
      'resilientClaude.ask': () => ask.ask(),
      'resilientClaude.askAboutSelection': () => ask.askAboutSelection(),
      'resilientClaude.setApiKey': () => keySetup.prompt(),
      'resilientClaude.checkApiKey': async () => {
        if (await keys.has()) await keySetup.check();
        else void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: no API key is set yet.'));
      },
      'resilientClaude.clearApiKey': async () => {
        await keys.clear();
        void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: API key removed from secret storage.'));
      },
      'resilientClaude.setAwsCredentials': () => credentials.promptBedrock(),
      'resilientClaude.clearAwsCredentials': () => credentials.clearBedrock(),
      'resilientClaude.setVertexToken': () => credentials.promptVertex(),
      'resilientClaude.clearVertexToken': () => credentials.clearVertex(),
      'resilientClaude.switchModel': () => switcher.pick(),
      'resilientClaude.copyLastRequestId': () => clipboard.copyLastRequestId(),
      'resilientClaude.copyEscalationReport': () => clipboard.copyEscalationReport(),
      'resilientClaude.resetBreakers': () => {
        client.resetBreakers();
        void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: circuit breakers reset.'));
      },
      'resilientClaude.showLog': () => log.show(),
      'resilientClaude.useEndpointInTerminals': () => localEndpoint.pickTerminalMode(),
      'resilientClaude.copyEndpointShellLines': () => localEndpoint.copyShellLines(),
      'resilientClaude.startRehearsal': () => rehearsalCommands.pickAndStart(),
      'resilientClaude.stopRehearsal': () => rehearsalCommands.stop(),
      'resilientClaude.openChat': () => openChatWithClaude(log),
    }).map(([id, run]) => vscode.commands.registerCommand(id, run)),
    history,
    settings,
    keys,
    credentials,
    { dispose: restoreSdkLog },
    log,
  );
  flushHistory = () => history.flush();

  log.info(`Resilient Claude ${version} activated; ${client.routes.describeRoute()}.`);
  void keys.offerEnvironmentKey();
  void client.refreshCredentials().then(() => modelIds.check());
  client.connectShared();
  void localEndpoint.apply();
  void ask.restoreAnswers().catch((error: unknown) => log.warn(`Answers: could not reopen the kept answers: ${error instanceof Error ? error.message : String(error)}`));
  let scenarioSetting = settings.settings.rehearsalScenario;
  void rehearsalCommands.startAtActivation(scenarioSetting);
  context.subscriptions.push(
    settings.onDidChange((s) => {
      if (s.rehearsalScenario === scenarioSetting) return;
      scenarioSetting = s.rehearsalScenario;
      void rehearsalCommands.settingChanged(scenarioSetting);
    }),
  );
  return context.extensionMode === vscode.ExtensionMode.Test ? { keys, settings, client, chat, endpoint: localEndpoint } : undefined;
}

export async function deactivate(): Promise<void> {
  await flushHistory?.().catch(() => undefined);
  flushHistory = undefined;
}
