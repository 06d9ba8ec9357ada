// What activate() returns to the extension's own in-host test suite, and only there:
// in ExtensionMode.Test. In normal use the extension exports nothing, so no other
// extension can reach the key store through `extensions.getExtension(...).exports`.
import type { ApiKeyStore } from './apiKeyStore';
import type { ChatParts } from './chat/registerChat';
import type { ClaudeClient } from './claudeClient';
import type { LocalEndpoint } from './endpoint/localEndpoint';
import type { SettingsWatcher } from './settingsWatcher';

export interface ResilientClaudeTestHooks {
  readonly keys: ApiKeyStore;
  readonly settings: SettingsWatcher;
  readonly client: ClaudeClient;
  readonly chat: ChatParts;
  readonly endpoint: LocalEndpoint;
}
