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
}

export interface SimulatorStats {
  startedAt: number;
  total: number;
  byModel: Record<string, { total: number; outcomes: Record<string, number> }>;
  requests: RequestRecord[];
}

const MAX_RECORDS = 100_000;

export class StatsRecorder {
  private startedAt = Date.now();
  private total = 0;
  private byModel = new Map<string, { total: number; outcomes: Map<string, number> }>();
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
      model = { total: 0, outcomes: new Map() };
      this.byModel.set(entry.model, model);
    }
    model.total++;
    model.outcomes.set(entry.outcome, (model.outcomes.get(entry.outcome) ?? 0) + 1);
    this.records.push(entry);
    if (this.records.length > MAX_RECORDS + MAX_RECORDS / 10) {
      this.records = this.records.slice(this.records.length - MAX_RECORDS);
    }
  }

  snapshot(): SimulatorStats {
    const byModel: SimulatorStats['byModel'] = {};
    for (const [model, counts] of this.byModel) {
      byModel[model] = { total: counts.total, outcomes: Object.fromEntries(counts.outcomes) };
    }
    const requests = this.records.length > MAX_RECORDS ? this.records.slice(-MAX_RECORDS) : this.records.slice();
    return { startedAt: this.startedAt, total: this.total, byModel, requests };
  }
}
