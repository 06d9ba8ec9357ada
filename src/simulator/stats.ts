// Counts what the simulator answered, for tests, benchmarks and the demo.
import type { Outcome } from './scenario-types';

export interface RequestRecord {
  time: number;
  model: string;
  /** An outcome as in `sequence`, or "400" for a request the simulator rejected as invalid. */
  outcome: Outcome | '400';
  status: number;
  requestId: string;
  stream: boolean;
  path: string;
  apiKeyOk: boolean;
  /** A 429 because the model's request rate was over its limit (not a scenario's stray 429). */
  overLimit?: boolean;
}

export interface SimulatorStats {
  startedAt: number;
  total: number;
  /** `outcomes['429']` counts every 429; `limit429` those over the request-rate limit (the rest are strays). */
  byModel: Record<string, { total: number; outcomes: Record<string, number>; limit429: number }>;
  requests: RequestRecord[];
}

const MAX_RECORDS = 100_000;

export class StatsRecorder {
  private startedAt = Date.now();
  private total = 0;
  private byModel = new Map<string, { total: number; outcomes: Map<string, number>; limit429: number }>();
  private records: RequestRecord[] = [];

  reset(startedAt = Date.now()): void {
    this.startedAt = startedAt;
    this.total = 0;
    this.byModel.clear();
    this.records = [];
  }

  record(entry: RequestRecord): void {
    this.total++;
    let model = this.byModel.get(entry.model);
    if (!model) {
      model = { total: 0, outcomes: new Map(), limit429: 0 };
      this.byModel.set(entry.model, model);
    }
    model.total++;
    model.outcomes.set(entry.outcome, (model.outcomes.get(entry.outcome) ?? 0) + 1);
    if (entry.overLimit) model.limit429++;
    this.records.push(entry);
    if (this.records.length > MAX_RECORDS + MAX_RECORDS / 10) {
      this.records = this.records.slice(this.records.length - MAX_RECORDS);
    }
  }

  snapshot(): SimulatorStats {
    const byModel: SimulatorStats['byModel'] = {};
    for (const [model, counts] of this.byModel) {
      byModel[model] = { total: counts.total, outcomes: Object.fromEntries(counts.outcomes), limit429: counts.limit429 };
    }
    const requests = this.records.length > MAX_RECORDS ? this.records.slice(-MAX_RECORDS) : this.records.slice();
    return { startedAt: this.startedAt, total: this.total, byModel, requests };
  }
}
