// Validates a scenario's `batches` block field by field, as the rest of the
// scenario is validated: unknown fields and out-of-range values are refused.
import { ScenarioError } from './scenario-error';
import { BATCH_CREATE_OUTCOMES } from './batch-types';
import type { BatchBehavior, BatchCreateOutcome } from './batch-types';

const FIELDS = new Set(['processingMs', 'pErrored', 'pExpired', 'createSequence', 'access']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function probability(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ScenarioError(path, 'must be a probability between 0 and 1');
  }
  return value;
}

export function validateBatchBehavior(value: unknown, path: string): BatchBehavior {
  if (!isObject(value)) throw new ScenarioError(path, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!FIELDS.has(key)) throw new ScenarioError(`${path}.${key}`, `unknown field (allowed: ${[...FIELDS].join(', ')})`);
  }
  const out: BatchBehavior = {};
  const processingMs = value['processingMs'];
  if (processingMs !== undefined) {
    if (typeof processingMs !== 'number' || !Number.isFinite(processingMs) || processingMs < 0) {
      throw new ScenarioError(`${path}.processingMs`, 'must be a number of milliseconds ≥ 0');
    }
    out.processingMs = processingMs;
  }
  if (value['pErrored'] !== undefined) out.pErrored = probability(value['pErrored'], `${path}.pErrored`);
  if (value['pExpired'] !== undefined) out.pExpired = probability(value['pExpired'], `${path}.pExpired`);
  const sequence = value['createSequence'];
  if (sequence !== undefined) {
    if (!Array.isArray(sequence)) throw new ScenarioError(`${path}.createSequence`, 'must be an array');
    out.createSequence = sequence.map((item, i) => {
      if (typeof item !== 'string' || !(BATCH_CREATE_OUTCOMES as readonly string[]).includes(item)) {
        throw new ScenarioError(`${path}.createSequence[${i}]`, `must be one of ${BATCH_CREATE_OUTCOMES.map((o) => JSON.stringify(o)).join(', ')}`);
      }
      return item as BatchCreateOutcome;
    });
  }
  const access = value['access'];
  if (access !== undefined) {
    if (typeof access !== 'boolean') throw new ScenarioError(`${path}.access`, 'must be true or false');
    out.access = access;
  }
  return out;
}
