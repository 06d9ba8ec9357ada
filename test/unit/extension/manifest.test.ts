import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { SHIPPED_SCENARIOS } from '../../../src/extension/settings';

interface Manifest {
  activationEvents: string[];
  icon?: string;
  contributes: { commands: Array<{ command: string; title: string; category?: string }> };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

test('every command is a resilientClaude.* id listed under the "Resilient Claude" category', { timeout: 5000 }, () => {
  assert.ok(manifest.contributes.commands.length >= 12);
  for (const c of manifest.contributes.commands) {
    assert.match(c.command, /^resilientClaude\.[a-zA-Z]+$/);
    assert.equal(c.category, 'Resilient Claude', c.command);
    assert.ok(c.title.trim().length > 0);
  }
  const ids = manifest.contributes.commands.map((c) => c.command);
  assert.equal(new Set(ids).size, ids.length, 'no command declared twice');
});

test('the extension starts after startup, not on every event', { timeout: 5000 }, () => {
  assert.ok(manifest.activationEvents.includes('onStartupFinished'));
  assert.ok(!manifest.activationEvents.includes('*'));
});

test('the shipped scenarios folder holds exactly the scenarios the rehearsal offers, and is packaged', { timeout: 5000 }, () => {
  const files = readdirSync('scenarios').filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  assert.deepEqual(files, [...SHIPPED_SCENARIOS].sort());
  const ignore = readFileSync('.vscodeignore', 'utf8').split('\n').map((l) => l.trim());
  assert.ok(ignore.includes('!scenarios/**') || ignore.includes('!scenarios/*.json'), '.vscodeignore keeps scenarios/');
  assert.ok(manifest.icon && readFileSync(manifest.icon).subarray(1, 4).toString() === 'PNG', 'the icon is a PNG');
});

test('command titles and setting descriptions come from package.nls.json, every reference resolves and is packaged', { timeout: 5000 }, () => {
  const raw = readFileSync('package.json', 'utf8');
  const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, unknown>;
  const references = [...raw.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1] ?? '');
  assert.ok(references.length > 0);
  for (const key of references) {
    assert.equal(typeof nls[key], 'string', `package.nls.json has "${key}"`);
    assert.ok((nls[key] as string).trim().length > 0, key);
  }
  assert.deepEqual(Object.keys(nls).filter((k) => !references.includes(k)), [], 'no unused strings');
  for (const c of manifest.contributes.commands) assert.match(c.title, /^%command\.[A-Za-z]+\.title%$/, c.command);
  const properties = (JSON.parse(raw) as { contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } })
    .contributes.configuration.properties;
  for (const [name, p] of Object.entries(properties)) {
    const described = p['markdownDescription'] ?? p['description'];
    assert.match(String(described), /^%config\..+%$/, `${name} is described through package.nls.json`);
  }
  assert.equal(nls['command.setAwsCredentials.title'], 'Set AWS Credentials for Bedrock');
  const ignore = readFileSync('.vscodeignore', 'utf8').split('\n').map((l) => l.trim());
  assert.ok(ignore.includes('!package.nls.json'), '.vscodeignore keeps package.nls.json');
});
