// A window as the demo runs it: chat on, an overload rehearsal (primary-outage) instead of a key,
// hedging off so each question makes the attempts its scenario scripts. Ready once the status bar
// shows the rehearsal; at teardown the window's last state goes to test-results before it closes.
import { openSession } from './session';
import type { E2eSession } from './session';
import { statusText } from './extensionUi';
import { until } from './time';
import { screenshot } from './workbench';

export async function openRehearsalSession(name: string): Promise<E2eSession> {
  const session = await openSession({
    name,
    codeServer: () => ({
      settings: {
        'chat.disableAIFeatures': false,
        'resilientClaude.rehearsal.scenario': 'primary-outage',
        'resilientClaude.tail.hedgeBudgetPercent': 0,
        'files.hotExit': 'off',
      },
    }),
  });
  // Deferred last, so it runs first: the window is still there.
  session.defer(() => screenshot(session.page, `${name}-last`).catch(() => undefined));
  try {
    await until('the rehearsal in the status bar', () => statusText(session.page), (t) => /Rehearsal/.test(t), 90_000);
  } catch (error) {
    await session.close().catch(() => undefined);
    throw error;
  }
  return session;
}
