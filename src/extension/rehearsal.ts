// The overload rehearsal: a simulator started in-process on 127.0.0.1 plays a
// shipped scenario, and the client sends its requests there (with a dummy key)
// until the user stops it. The simulator module loads only when a rehearsal starts.
import * as vscode from 'vscode';
import type { RunningSimulator } from '../simulator/index.js';

export interface ScenarioChoice {
  readonly name: string;
  readonly description: string;
  readonly file: vscode.Uri;
}

export interface ActiveRehearsal {
  readonly scenario: string;
  /** The simulator's base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
}

/** The key the client sends to the rehearsal simulator: never a real key. */
export const REHEARSAL_API_KEY = 'rehearsal-no-real-key';

export class RehearsalController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActiveRehearsal | null>();
  private simulator: RunningSimulator | null = null;
  private state: ActiveRehearsal | null = null;
  private transition: Promise<void> = Promise.resolve();

  /** Fires after a rehearsal started, switched scenario or stopped. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get active(): ActiveRehearsal | null {
    return this.state;
  }

  /** The scenarios shipped in the extension's `scenarios/` folder. */
  async scenarios(): Promise<ScenarioChoice[]> {
    const folder = vscode.Uri.joinPath(this.extensionUri, 'scenarios');
    const entries = await vscode.workspace.fs.readDirectory(folder);
    const choices: ScenarioChoice[] = [];
    for (const [fileName, type] of entries) {
      if (type !== vscode.FileType.File || !fileName.endsWith('.json')) continue;
      const file = vscode.Uri.joinPath(folder, fileName);
      const name = fileName.slice(0, -'.json'.length);
      choices.push({ name, description: await readDescription(file), file });
    }
    return choices.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Starts (or switches to) the named shipped scenario. */
  start(scenario: string): Promise<void> {
    return this.serialize(async () => {
      const choice = (await this.scenarios()).find((s) => s.name === scenario);
      if (!choice) throw new Error(vscode.l10n.t('There is no shipped rehearsal scenario named "{0}".', scenario));
      let simulator = this.simulator;
      if (simulator) {
        simulator.setScenario(choice.file.fsPath);
      } else {
        const { startSimulator } = await import('../simulator/index.js');
        simulator = await startSimulator({ scenario: choice.file.fsPath, host: '127.0.0.1', port: 0 });
        this.simulator = simulator;
      }
      this.state = { scenario: choice.name, url: simulator.url };
      this.log.info(`Overload rehearsal "${choice.name}" started; requests go to the simulator at ${simulator.url}.`);
      this.changed.fire(this.state);
    });
  }

  stop(): Promise<void> {
    return this.serialize(async () => {
      const simulator = this.simulator;
      if (!simulator) return;
      this.simulator = null;
      this.state = null;
      this.changed.fire(null);
      await simulator.close();
      this.log.info('Overload rehearsal stopped; requests go to the configured API again.');
    });
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    const next = this.transition.then(step, step);
    this.transition = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    const simulator = this.simulator;
    this.simulator = null;
    this.state = null;
    this.changed.dispose();
    if (simulator) void simulator.close();
  }
}

async function readDescription(file: vscode.Uri): Promise<string> {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
    if (typeof parsed === 'object' && parsed !== null) {
      const description = (parsed as { description?: unknown }).description;
      if (typeof description === 'string') return description;
    }
  } catch {
    // An unreadable file still shows by name; starting it reports the problem.
  }
  return '';
}
