// Where a window that runs a local endpoint of its own (sharing off) remembers its port: in that
// window's workspace storage, so a reload listens where its terminals point again, and two such
// windows never overwrite each other's address (the user's shared port file is the broker's).
import type * as vscode from 'vscode';
import { listenablePort } from '../../broker/endpoint/endpointPort';
import type { PortMemory } from '../../broker/endpoint/endpointPort';

const KEY = 'resilientClaude.endpoint.ownPort';

export function windowPortMemory(state: vscode.Memento): PortMemory {
  return {
    recall: () => listenablePort(state.get<unknown>(KEY)),
    remember: (port) => void state.update(KEY, port),
  };
}
