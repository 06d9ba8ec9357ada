// Inside the real extension host, a window's own broker client — vscode-languageclient's
// LanguageClient over the broker's socket (languageClientChannel.ts) — meets a broker that already
// serves 64 connections: the handshake's refusal comes back as the reason the window runs its
// requests itself, and the language client reports no error of its own (a failed initialize
// would make it pop up "couldn't create connection to server").
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startBroker } from '../../../../src/broker/brokerServer';
import { SharedManager } from '../../../../src/broker/client/sharedManager';
import { MAX_BROKER_CONNECTIONS } from '../../../../src/broker/connectionRefusal';
import { brokerSocketPath, ensurePrivateRuntimeDir } from '../../../../src/broker/runtimeDir';
import { defaultManagerConfig } from '../../../../src/core/defaults';
import { createRequestManager } from '../../../../src/core/requestManager';
import { openLanguageClientChannel } from '../../../../src/extension/broker/languageClientChannel';
import { test } from './runner';

function rawConnection(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

test('a full broker refuses a window\'s language client: the refusal is the reason it runs requests itself, and the client shows no error of its own', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-inhost-refusal-'));
  chmodSync(dir, 0o700);
  const broker = await startBroker({ runtimeDir: dir, idleExitMs: 60_000, helloTimeoutMs: 60_000, log: () => undefined });
  assert.ok(broker, 'the test broker started');
  const socketPath = brokerSocketPath(ensurePrivateRuntimeDir(dir));
  const held: net.Socket[] = [];
  const log = vscode.window.createOutputChannel('Resilient Claude refusal test', { log: true });
  const errors: string[] = [];
  const logError = log.error.bind(log);
  log.error = (error: string | Error, ...args: unknown[]): void => {
    errors.push(String(error));
    logError(error, ...args);
  };
  try {
    for (let i = 0; i < MAX_BROKER_CONNECTIONS; i += 1) held.push(await rawConnection(socketPath));
    const config = { ...defaultManagerConfig(), providers: [{ id: 'anthropic' as const, baseURL: 'http://127.0.0.1:9', apiKey: () => 'sk-ant-inhost-refusal' }] };
    const manager = new SharedManager({
      config,
      historyFile: null,
      reconnect: false,
      createLocal: (c) => createRequestManager(c),
      log: () => undefined,
      connect: () => openLanguageClientChannel({ runtimeDir: dir, brokerScript: join(dir, 'no-broker-is-started.js'), name: 'inhost-refusal', log }),
    });
    try {
      await manager.whenReady();
      const sharing = manager.sharing;
      assert.equal(sharing.mode, 'local');
      assert.equal(sharing.mode === 'local' ? sharing.reason : '', 'the shared broker refused this client: it already serves 64 connections, the most it takes at once');
      // A failed start is logged (and popped up) before the start rejects, so before the client fell back.
      assert.deepEqual(errors, []);
    } finally {
      manager.dispose();
    }
  } finally {
    for (const socket of held) socket.destroy();
    log.dispose();
    await broker.stop('test over');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeout: 60_000 });
