// The chat contributions in package.json agree with the ids the code registers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PARTICIPANT_ID, VENDOR } from '../../../src/extension/chat/chatIds';

interface ChatManifest {
  contributes: {
    languageModelChatProviders: Array<{ vendor: string; displayName: string; managementCommand?: string }>;
    chatParticipants: Array<{ id: string; name: string; fullName: string; description: string }>;
    commands: Array<{ command: string }>;
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as ChatManifest;
const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
const resolve = (value: string): string => value.replace(/^%(.+)%$/, (_, key: string) => nls[key] ?? value);

test('the language model vendor is ours (not Copilot\'s "anthropic") and reads "Claude (resilient)"', { timeout: 5000 }, () => {
  const providers = manifest.contributes.languageModelChatProviders;
  assert.deepEqual(providers.map((p) => p.vendor), [VENDOR]);
  assert.notEqual(VENDOR, 'anthropic');
  assert.equal(resolve(providers[0]!.displayName), 'Claude (resilient)');
  const management = providers[0]!.managementCommand;
  assert.ok(management && manifest.contributes.commands.some((c) => c.command === management), 'the management command is contributed');
});

test('@claude is contributed under the id the participant is created with', { timeout: 5000 }, () => {
  const participants = manifest.contributes.chatParticipants;
  assert.deepEqual(participants.map((p) => [p.id, p.name]), [[PARTICIPANT_ID, 'claude']]);
  assert.ok(resolve(participants[0]!.description).length > 0);
});
