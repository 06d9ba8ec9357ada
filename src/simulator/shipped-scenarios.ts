// The scenarios shipped in scenarios/*.json, bundled into the code so the CLI and
// the extension find them wherever they run from.
import healthy from '../../scenarios/healthy.json';
import primaryOutage from '../../scenarios/primary-outage.json';
import brownout from '../../scenarios/brownout.json';
import rateLimitStorm from '../../scenarios/rate-limit-storm.json';
import flakyNetwork from '../../scenarios/flaky-network.json';
import midStreamFailures from '../../scenarios/mid-stream-failures.json';
import slowPrefill from '../../scenarios/slow-prefill.json';

export const SHIPPED_SCENARIOS: Readonly<Record<string, unknown>> = {
  healthy,
  'primary-outage': primaryOutage,
  brownout,
  'rate-limit-storm': rateLimitStorm,
  'flaky-network': flakyNetwork,
  'mid-stream-failures': midStreamFailures,
  'slow-prefill': slowPrefill,
};

export const SHIPPED_SCENARIO_NAMES: readonly string[] = Object.keys(SHIPPED_SCENARIOS);
