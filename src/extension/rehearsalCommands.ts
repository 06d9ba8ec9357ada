// "Start Overload Rehearsal…" / "Stop Overload Rehearsal", and which rehearsal a window starts with.
// A reload resumes what ran in this workspace (the scenario picked last, or none after Stop) and
// says so; the `resilientClaude.rehearsal.scenario` setting names the rehearsal of a workspace that
// has none on record, and changing the setting starts (or, emptied, stops) it at once.
import * as vscode from 'vscode';
import type { RehearsalController } from './rehearsal';

const ACTIVE_CONTEXT = 'resilientClaude.rehearsalActive';
/** workspaceState: the scenario running in this workspace, '' after the user stopped it, absent before any. */
const RUNNING_KEY = 'resilientClaude.rehearsal.running';

export class RehearsalCommands implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly rehearsal: RehearsalController,
    private readonly log: vscode.LogOutputChannel,
    private readonly workspaceState: vscode.Memento,
  ) {
    this.subscription = rehearsal.onDidChange((active) => {
      void vscode.commands.executeCommand('setContext', ACTIVE_CONTEXT, active !== null);
    });
  }

  async pickAndStart(): Promise<void> {
    const scenarios = await this.rehearsal.scenarios();
    const current = this.rehearsal.active?.scenario;
    const running = vscode.l10n.t('running now');
    const items = scenarios.map((s) => ({
      label: `${s.name === current ? '$(debug-alt) ' : '$(beaker) '}${s.name}`,
      description: s.name === current ? running : undefined,
      detail: s.description,
      name: s.name,
    }));
    const picker = vscode.window.createQuickPick<(typeof items)[number]>();
    picker.title = vscode.l10n.t('Resilient Claude: Start Overload Rehearsal');
    picker.placeholder =
      current === undefined
        ? vscode.l10n.t('Requests go to a local simulator playing this scenario (no API key needed)')
        : vscode.l10n.t('Running: "{0}". Pick another scenario to switch to it', current);
    picker.matchOnDetail = true;
    picker.items = items;
    picker.activeItems = items.filter((i) => i.name === current);
    const choice = await new Promise<(typeof items)[number] | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0] ?? picker.activeItems[0]));
      picker.onDidHide(() => resolve(undefined));
      picker.show();
    });
    picker.dispose();
    if (choice) await this.start(choice.name);
  }

  /**
   * At activation: resume the rehearsal this workspace ran before the reload (saying so), stay
   * stopped when the user stopped it (saying so, when the setting would start one), else start
   * the setting's scenario.
   */
  async startAtActivation(settingScenario: string): Promise<void> {
    const recorded = this.workspaceState.get<unknown>(RUNNING_KEY);
    if (typeof recorded === 'string' && recorded !== '') {
      await this.start(recorded, 'resumed');
    } else if (recorded === '' && settingScenario !== '') {
      const start = vscode.l10n.t('Start "{0}"', settingScenario);
      const pick = await vscode.window.showInformationMessage(
        vscode.l10n.t('No overload rehearsal is running: you stopped it in this workspace. Requests go to the API.'),
        start,
      );
      if (pick === start) await this.start(settingScenario);
    } else if (settingScenario !== '') {
      await this.start(settingScenario);
    }
  }

  /** The setting changed while the window runs: start its scenario, or stop when it was emptied. */
  async settingChanged(settingScenario: string): Promise<void> {
    if (settingScenario === '') {
      if (this.rehearsal.active !== null) await this.stop();
    } else if (this.rehearsal.active?.scenario !== settingScenario) {
      await this.start(settingScenario);
    }
  }

  async start(scenario: string, how: 'started' | 'resumed' = 'started'): Promise<void> {
    try {
      await this.rehearsal.start(scenario);
      await this.workspaceState.update(RUNNING_KEY, scenario);
      void this.announce(scenario, how);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`Could not start the rehearsal "${scenario}": ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Resilient Claude: could not start the rehearsal: {0}', message));
    }
  }

  /** The toast that says a rehearsal runs, with what to do next: ask, watch the diagnostics, or stop. */
  private async announce(scenario: string, how: 'started' | 'resumed'): Promise<void> {
    const ask = vscode.l10n.t('Ask Claude…');
    const diagnostics = vscode.l10n.t('Show Diagnostics');
    const stop = vscode.l10n.t('Stop Rehearsal');
    const pick = await vscode.window.showInformationMessage(
      how === 'resumed'
        ? vscode.l10n.t(
            'Overload rehearsal "{0}" resumed after the reload (it was running): requests go to a local simulator, not to Anthropic. The scenario starts again with your next question.',
            scenario,
          )
        : vscode.l10n.t(
            'Overload rehearsal "{0}" is running: requests go to a local simulator, not to Anthropic. The scenario starts with your first question.',
            scenario,
          ),
      ask,
      diagnostics,
      stop,
    );
    if (pick === ask) await vscode.commands.executeCommand('resilientClaude.ask');
    if (pick === diagnostics) await vscode.commands.executeCommand('resilientClaude.showDiagnostics');
    if (pick === stop) await this.stop();
  }

  async stop(): Promise<void> {
    if (this.rehearsal.active === null) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No overload rehearsal is running.'));
      return;
    }
    await this.rehearsal.stop();
    await this.workspaceState.update(RUNNING_KEY, '');
    void vscode.window.showInformationMessage(vscode.l10n.t('Overload rehearsal stopped: requests go to the API again.'));
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
