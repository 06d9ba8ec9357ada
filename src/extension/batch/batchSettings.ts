// The batch lane's settings (`resilientClaude.batch.*`), read and checked here:
// an invalid value falls back to its default.
import * as vscode from 'vscode';

export interface BatchSettings {
  /** '' means the primary model (`resilientClaude.model`). */
  readonly model: string;
  readonly maxTokens: number;
  /** The first wait before a running batch is checked; later checks back off to 10 minutes. */
  readonly pollSeconds: number;
}

export const BATCH_SETTINGS_SECTION = 'resilientClaude.batch';

function numberIn(value: unknown, min: number, max: number, fallback: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) return fallback;
  return integer ? Math.round(value) : value;
}

export function readBatchSettings(): BatchSettings {
  const c = vscode.workspace.getConfiguration(BATCH_SETTINGS_SECTION);
  const model = c.get<unknown>('model');
  return {
    model: typeof model === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/.test(model.trim()) ? model.trim() : '',
    maxTokens: numberIn(c.get<unknown>('maxTokens'), 1, 128_000, 4096, true),
    pollSeconds: numberIn(c.get<unknown>('pollSeconds'), 1, 3600, 30, false),
  };
}
