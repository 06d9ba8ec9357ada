// One setting, said once: its key below `resilientClaude.`, its default, how a raw value is
// checked, and what the manifest (package.json) must say about it. Tables of these give the
// settings' type, keys, defaults and validation; a unit test holds package.json to them.
// Pure: nothing here imports 'vscode'.

/** Takes a plain-language reason a value was refused (it names the setting's rule, never the value's secret part). */
export type Report = (message: string) => void;

/** What package.json must declare for a setting besides its default. */
export interface ManifestFacts {
  readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  readonly minimum?: number;
  readonly maximum?: number;
  /** The allowed values (for an array: of its items). */
  readonly enum?: readonly unknown[];
  readonly scope?: 'machine' | 'machine-overridable' | 'application';
  /** Only the user's own value counts in an untrusted workspace (it could send traffic or a key elsewhere). */
  readonly restricted?: boolean;
}

export interface SettingSpec<T> {
  /** The key below the `resilientClaude.` section, e.g. `retry.maxAttempts`. */
  readonly key: string;
  readonly default: T;
  /** Unset (undefined or null) gives the default; a bad value is reported and gives the default too. */
  readonly read: (value: unknown, report: Report) => T;
  readonly manifest: ManifestFacts;
}

// The entries differ in their value type: each is a SettingSpec of its own, read back by SettingsOf.
export type SettingsTable = Readonly<Record<string, SettingSpec<unknown>>>;

/** The plain settings object a table describes. */
export type SettingsOf<T extends SettingsTable> = { readonly [K in keyof T]: T[K] extends SettingSpec<infer V> ? V : never };

/** A setting whose check is its own: `check` sees only set values and returns the value to use. */
export function setting<T>(key: string, fallback: T, manifest: ManifestFacts, check: (value: unknown, fallback: T, report: Report) => T): SettingSpec<T> {
  return {
    key,
    default: fallback,
    manifest,
    read: (value, report) => (value === undefined || value === null ? fallback : check(value, fallback, report)),
  };
}

export interface NumberBounds {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export function numberSetting(key: string, fallback: number, bounds: NumberBounds): SettingSpec<number> {
  const manifest: ManifestFacts = { type: bounds.integer ? 'integer' : 'number', minimum: bounds.min, maximum: bounds.max };
  return setting(key, fallback, manifest, (value, use, report) => {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= bounds.min &&
      value <= bounds.max &&
      (!bounds.integer || Number.isInteger(value));
    if (ok) return value;
    report(`must be ${bounds.integer ? 'a whole number' : 'a number'} from ${bounds.min} to ${bounds.max}; using ${use}.`);
    return use;
  });
}

export function booleanSetting(key: string, fallback: boolean, manifest: Omit<ManifestFacts, 'type'> = {}): SettingSpec<boolean> {
  return setting(key, fallback, { ...manifest, type: 'boolean' }, (value, use, report) => {
    if (typeof value === 'boolean') return value;
    report(`must be true or false; using ${use}.`);
    return use;
  });
}

/** A string matching `pattern` (trimmed); '' counts as unset. `what` names the rule in the report. */
export function patternSetting(key: string, fallback: string, pattern: RegExp, what: string, manifest: Omit<ManifestFacts, 'type'> = {}): SettingSpec<string> {
  return setting(key, fallback, { ...manifest, type: 'string' }, (value, use, report) => {
    if (value === '') return use;
    if (typeof value === 'string' && pattern.test(value.trim())) return value.trim();
    report(`must be ${what}; using ${use === '' ? 'none' : `"${use}"`}.`);
    return use;
  });
}

/** Each setting's key, by field (e.g. `SETTING_KEYS.maxAttempts` = `retry.maxAttempts`). */
export function keysOf<T extends SettingsTable>(table: T): { readonly [K in keyof T]: string } {
  return Object.fromEntries(Object.entries(table).map(([field, spec]) => [field, spec.key])) as { [K in keyof T]: string };
}

export function defaultsOf<T extends SettingsTable>(table: T): SettingsOf<T> {
  return Object.fromEntries(Object.entries(table).map(([field, spec]) => [field, spec.default])) as SettingsOf<T>;
}

/** Reads every setting of the table through `raw` (by key), in the table's order, reporting each refused value by key. */
export function readTable<T extends SettingsTable>(
  table: T,
  raw: (key: string) => unknown,
  report: (key: string, message: string) => void,
): SettingsOf<T> {
  return Object.fromEntries(
    Object.entries(table).map(([field, spec]) => [field, spec.read(raw(spec.key), (m) => report(spec.key, m))]),
  ) as SettingsOf<T>;
}
