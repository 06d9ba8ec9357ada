// The status page settings: `resilientClaude.statusPage.url` and `.enabled`.
import * as vscode from 'vscode';

export const DEFAULT_STATUS_PAGE_URL = 'https://status.claude.com/api/v2/summary.json';

export interface StatusPageSettings {
  readonly enabled: boolean;
  readonly url: string;
}

export function readStatusPageSettings(): StatusPageSettings {
  const config = vscode.workspace.getConfiguration('resilientClaude.statusPage');
  const url = config.get<string>('url', DEFAULT_STATUS_PAGE_URL);
  return {
    enabled: config.get<boolean>('enabled', true),
    url: typeof url === 'string' && /^https?:\/\//.test(url) ? url : DEFAULT_STATUS_PAGE_URL,
  };
}

export function affectsStatusPageSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration('resilientClaude.statusPage');
}
