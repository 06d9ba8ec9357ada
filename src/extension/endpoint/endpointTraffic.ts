// What the local endpoint served, per client (from its user-agent): requests and failures, for
// the status bar. Plain data, no 'vscode' import.
import { clientName } from '../../broker/endpoint/clientLabel';
import type { EndpointRequest } from '../../broker/endpoint/endpointServer';

export interface ClientTraffic {
  /** "Claude Code", "Anthropic TypeScript SDK", "curl"… (the version left out, so upgrades add up). */
  readonly client: string;
  readonly requests: number;
  /** Answered with an error status (refused ones included). */
  readonly failed: number;
}

export interface EndpointStatus {
  /** Where it listens, or null while it is not running. */
  readonly url: string | null;
  /** Whether integrated terminals get its variables. */
  readonly terminals: boolean;
  /** Most requests first. */
  readonly clients: readonly ClientTraffic[];
}

export class EndpointTraffic {
  private readonly byClient = new Map<string, { requests: number; failed: number }>();

  add(request: Pick<EndpointRequest, 'client' | 'status'>): void {
    const name = clientName(request.client);
    const counts = this.byClient.get(name) ?? { requests: 0, failed: 0 };
    counts.requests += 1;
    if (request.status >= 400) counts.failed += 1;
    this.byClient.set(name, counts);
  }

  clients(): ClientTraffic[] {
    return [...this.byClient.entries()].map(([client, c]) => ({ client, ...c })).sort((a, b) => b.requests - a.requests || a.client.localeCompare(b.client));
  }
}
