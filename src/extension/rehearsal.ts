// The overload rehearsal: a simulator started in-process on 127.0.0.1 plays a
// shipped scenario, and the client sends its requests there (with a dummy key)
// until the user stops it. The simulator module loads only when a rehearsal starts.
// The scenario's roles (primary, fallbacks) are cast onto the user's chain, and its phase
// clock starts at the rehearsal's first request, so a user who reads the toast first still
// sees the outage.
import * as vscode from 'vscode';
import type { RunningSimulator, Scenario } from '../simulator/index.js';
import { atHumanPace } from './rehearsalPace';
import { castScenario } from './rehearsalRoles';

export interface ScenarioChoice {
  readonly name: string;
  readonly description: string;
  readonly file: vscode.Uri;
}

export interface ActiveRehearsal {
  readonly scenario: string;
  /** The simulator's base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The simulator's scripted status page (statuspage.io summary), read instead of the real one. */
  readonly statusPageUrl: string;
  /** What the scenario does, with its roles cast onto the user's chain. */
  readonly description: string;
}


export class RehearsalController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActiveRehearsal | null>();
  private simulator: RunningSimulator | null = null;
  private state: ActiveRehearsal | null = null;
  private transition: Promise<void> = Promise.resolve();
  /** The scenario file being played (re-cast when the chain changes). */
  private playing: ScenarioChoice | null = null;
  /** True until the rehearsal's first request restarts the scenario's phase clock. */
  private awaitingFirstRequest = false;

  /** Fires after a rehearsal started, switched scenario or stopped. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** The user's model chain (primary first), onto which the scenario's roles are cast. */
    private readonly chain: () => readonly string[],
  ) {}

  get active(): ActiveRehearsal | null {
    return this.state;
  }

  /** The scenarios shipped in the extension's `scenarios/` folder, described as they would play on the user's chain. */
  async scenarios(): Promise<ScenarioChoice[]> {
    const folder = vscode.Uri.joinPath(this.extensionUri, 'scenarios');
    const entries = await vscode.workspace.fs.readDirectory(folder);
    const choices: ScenarioChoice[] = [];
    for (const [fileName, type] of entries) {
      if (type !== vscode.FileType.File || !fileName.endsWith('.json')) continue;
      const file = vscode.Uri.joinPath(folder, fileName);
      const name = fileName.slice(0, -'.json'.length);
      const raw = await readDescription(file);
      choices.push({ name, description: castScenario(atHumanPace({ name, description: raw }, name), this.chain()).description ?? raw, file });
    }
    return choices.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Starts (or switches to) the named shipped scenario. */
  start(name: string): Promise<void> {
    return this.serialize(async () => {
      const choice = (await this.scenarios()).find((s) => s.name === name);
      if (!choice) throw new Error(vscode.l10n.t('There is no shipped rehearsal scenario named "{0}".', name));
      const scenario = await this.cast(choice);
      let simulator = this.simulator;
      if (simulator) {
        simulator.setScenario(scenario);
      } else {
        const { startSimulator } = await import('../simulator/index.js');
        simulator = await startSimulator({ scenario, host: '127.0.0.1', port: 0 });
        this.simulator = simulator;
      }
      this.playing = choice;
      this.awaitingFirstRequest = true;
      this.state = this.stateOf(choice, simulator, scenario);
      this.log.info(`Overload rehearsal "${choice.name}" started (${this.chain().join(' → ')}); requests go to the simulator at ${simulator.url}.`);
      this.changed.fire(this.state);
    });
  }

  /** The chain changed: the running scenario is cast again (its phase clock restarts at the next request). */
  recast(): Promise<void> {
    return this.serialize(async () => {
      const simulator = this.simulator;
      const choice = this.playing;
      if (!simulator || !choice) return;
      const scenario = await this.cast(choice);
      simulator.setScenario(scenario);
      this.awaitingFirstRequest = true;
      this.state = this.stateOf(choice, simulator, scenario);
      this.log.info(`Overload rehearsal "${choice.name}" now plays on ${this.chain().join(' → ')}.`);
    });
  }

  /** A request is about to go to the simulator: the first one of a rehearsal starts the scenario's clock. */
  noteRequest(): void {
    if (!this.awaitingFirstRequest || !this.simulator) return;
    this.awaitingFirstRequest = false;
    this.simulator.reset();
    this.log.info(`Overload rehearsal "${this.state?.scenario ?? ''}": first request, the scenario's clock starts now.`);
  }

  private async cast(choice: ScenarioChoice): Promise<Scenario> {
    const { catalogLimits, loadScenario } = await import('../simulator/index.js');
    // A chain model the simulator's Models API does not list answers 404, as the real API would.
    return castScenario(atHumanPace(loadScenario(choice.file.fsPath), choice.name), this.chain(), (model) => catalogLimits(model) !== undefined);
  }

  private stateOf(choice: ScenarioChoice, simulator: RunningSimulator, scenario: Scenario): ActiveRehearsal {
    return {
      scenario: choice.name,
      url: simulator.url,
      statusPageUrl: `${simulator.url}/api/v2/summary.json`,
      description: scenario.description ?? choice.description,
    };
  }

  stop(): Promise<void> {
    return this.serialize(async () => {
      const simulator = this.simulator;
      if (!simulator) return;
      this.simulator = null;
      this.state = null;
      this.playing = null;
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
