// Inside the real extension host, with sharing (resilientClaude.sharedManager) off: the terminals
// setting makes this window run the local endpoint itself. Turning sharing on, with no reload,
// moves it to the user's broker: a broker starts and listens on the very port the terminals hold,
// and the window's own endpoint is closed. Turning it off again gives the window an endpoint of
// its own, as a window with sharing off at start has, and the terminals its URL.
import assert from 'node:assert/strict';
import { test } from './runner';
import { brokerPid, holds, listeners, served, until } from './endpointProbe';
import { openEndpointRig } from './endpointRig';

const KEY = 'sk-ant-inhost-sharing-5d9e2a';

/** The listeners on `url`'s port, the first of them, and whether this extension host holds it. */
function listenerOf(url: string): { readonly count: number; readonly inode: string; readonly ours: boolean } {
  const found = listeners(Number(new URL(url).port));
  const inode = found[0] ?? '';
  return { count: found.length, inode, ours: inode !== '' && holds(process.pid, inode) };
}

test('turning sharing on moves the endpoint a window runs itself to the broker, on the same port; off again, the window runs its own', async () => {
  const rig = await openEndpointRig('sharing', KEY);
  const { parts, runtimeDir } = rig;
  try {
    const own = await rig.startEndpoint({ sharedManager: false });
    assert.equal(await parts.endpoint.hostedIn(), 'window', 'sharing off: this window runs it');
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), own);
    assert.ok(await served(own, KEY), 'served by the window');
    assert.ok(listenerOf(own).ours, 'the extension host listens there');
    assert.equal(brokerPid(runtimeDir), null, 'no broker runs');

    await rig.set('sharedManager', true);
    await until(async () => (await parts.endpoint.hostedIn()) === 'broker', 'the endpoint moved to a broker', 60_000);
    assert.equal(parts.endpoint.status()?.url, own, 'the same URL: the broker listens on the port the terminals hold');
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), own, "the terminals' variable is still right");
    assert.ok(await served(own, KEY), 'a client there is served');
    const pid = brokerPid(runtimeDir);
    assert.ok(pid !== null && pid !== process.pid, 'a broker process runs');
    await until(() => listenerOf(own).count === 1 && holds(pid, listenerOf(own).inode), 'the broker to hold the only listener there');
    assert.ok(!listenerOf(own).ours, "the window's own endpoint is closed");

    await rig.set('sharedManager', false);
    await until(async () => (await parts.endpoint.hostedIn()) === 'window' && (parts.endpoint.status()?.url ?? null) !== null, 'this window to run the endpoint again', 60_000);
    const again = parts.endpoint.status()?.url ?? '';
    await until(() => parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL') === again, "the terminals' variable to follow");
    assert.ok(listenerOf(again).ours, 'the extension host listens there');
    assert.ok(await served(again, KEY), 'served by the window');
  } finally {
    await rig.close();
  }
}, { timeout: 180_000 });
