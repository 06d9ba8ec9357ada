// What every in-host endpoint test stands on: the extension's parts (activated in test mode), a
// simulator checking the test's key, and a private runtime folder for the broker and the endpoint's
// token (RESILIENT_CLAUDE_RUNTIME_DIR), then the window pointed at the simulator with the terminals'
// endpoint on. Closing it undoes all of it: the settings it changed, a broker left in that folder,
// the environment, the simulator and the folder.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startSimulator } from '../../../../src/simulator/index';
import type { RunningSimulator } from '../../../../src/simulator/index';
import type { ResilientClaudeTestHooks } from '../../../../src/extension/testHooks';
import { brokerPid, kill, until } from './endpointProbe';

const EXTENSION_ID = 'resilient-claude.resilient-claude';
const RUNTIME_ENV = 'RESILIENT_CLAUDE_RUNTIME_DIR';

export interface EndpointRig {
  readonly parts: ResilientClaudeTestHooks;
  readonly simulator: RunningSimulator;
  readonly runtimeDir: string;
  /** Sets a resilientClaude.* user setting; closing the rig removes it again. */
  set(setting: string, value: unknown): Promise<void>;
  /**
   * Points the window at the simulator, sets `settings`, turns the terminals' endpoint on and
   * returns its URL once it listens.
   */
  startEndpoint(settings?: Readonly<Record<string, unknown>>): Promise<string>;
  /** Runs when the rig closes, after its settings are removed and before the broker is stopped. */
  onClose(cleanup: () => Promise<void> | void): void;
  close(): Promise<void>;
}

/** `name` names the runtime folder (rc-inhost-<name>-…). */
export async function openEndpointRig(name: string, key: string): Promise<EndpointRig> {
  const extension = vscode.extensions.getExtension<ResilientClaudeTestHooks | undefined>(EXTENSION_ID);
  const parts = await extension?.activate();
  assert.ok(parts, 'in test mode the extension hands its parts to its own suite');
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('resilientClaude');
  const simulator = await startSimulator({ scenario: 'healthy', apiKey: key });
  // The endpoint's token and the broker go to a private folder of this test, not the user's.
  const runtimeDir = mkdtempSync(join(tmpdir(), `rc-inhost-${name}-`));
  chmodSync(runtimeDir, 0o700);
  const savedRuntimeDir = process.env[RUNTIME_ENV];
  process.env[RUNTIME_ENV] = runtimeDir;
  const changed: string[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  const set = async (setting: string, value: unknown): Promise<void> => {
    if (!changed.includes(setting)) changed.push(setting);
    await config().update(setting, value, vscode.ConfigurationTarget.Global);
  };
  return {
    parts,
    simulator,
    runtimeDir,
    set,
    startEndpoint: async (settings = {}) => {
      await set('baseUrl', simulator.url);
      await until(() => parts.settings.settings.baseUrl === simulator.url, 'the base URL to apply');
      for (const [setting, value] of Object.entries(settings)) await set(setting, value);
      await set('endpoint.terminals', true);
      await until(() => (parts.endpoint.status()?.url ?? null) !== null, 'the endpoint to listen');
      return parts.endpoint.status()?.url ?? '';
    },
    onClose: (cleanup) => {
      cleanups.push(cleanup);
    },
    close: async () => {
      // The endpoint first (the setting turned on last), then what it stood on.
      for (const setting of [...changed].reverse()) await config().update(setting, undefined, vscode.ConfigurationTarget.Global);
      for (const cleanup of cleanups) await cleanup();
      const last = brokerPid(runtimeDir);
      if (last !== null && last !== process.pid) kill(last);
      if (savedRuntimeDir === undefined) delete process.env[RUNTIME_ENV];
      else process.env[RUNTIME_ENV] = savedRuntimeDir;
      await simulator.close();
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}
