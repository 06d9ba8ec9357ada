// The local endpoint as the window holds it, wherever it runs: in the user's broker (one for
// every window: brokerHostedEndpoint.ts) or, when no broker can be used, in this window
// (windowHostedEndpoint.ts). No 'vscode' import.
import type { LogOutputChannel } from 'vscode';
import type { EndpointRequest } from '../../broker/endpoint/endpointServer';
import type { ClaudeClient } from '../claudeClient';
import type { WindowBroker } from '../broker/windowBroker';
import type { SettingsWatcher } from '../settingsWatcher';

export interface HostedEndpoint {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The endpoint's token (its file's content) and that file. */
  readonly token: string;
  readonly tokenFile: string;
  /** The port the settings asked for (0: any). */
  readonly requestedPort: number;
  readonly where: 'broker' | 'window';
  /** Sends the broker this window's current settings and credentials when they changed (a no-op in the window). */
  refresh(): Promise<void>;
  /** This window no longer wants it (the broker closes it when no other window does). */
  close(): Promise<void>;
  /** Another endpoint takes over its address: it stops listening at once, and requests under way
   *  finish (run by the window); the same as close for the broker's. */
  handOver(): Promise<void>;
}

/** What either host needs from the window. */
export interface EndpointDeps {
  readonly client: ClaudeClient;
  readonly broker: WindowBroker;
  readonly settings: SettingsWatcher;
  readonly log: LogOutputChannel;
  /** Every request the endpoint answered (the status bar's traffic). */
  readonly onRequest: (request: EndpointRequest) => void;
}

/** Anthropic's API, or the user's gateway: where clients' own credentials are used. */
export function upstreamOf(deps: EndpointDeps): string {
  return deps.settings.settings.baseUrl || 'https://api.anthropic.com';
}
