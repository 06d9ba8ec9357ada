// The typed bridge to the extension host: `acquireVsCodeApi()` may be called once per page.
import type { PanelState, WebviewToHost } from './protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostBridge {
  post(message: WebviewToHost): void;
  /** Whatever was saved last (validate before use). */
  savedState(): unknown;
  saveState(state: PanelState): void;
}

export function connectToHost(): HostBridge {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    savedState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
