// Keeps credential tests to what they set up: the AWS and Google lookups see only files in
// a temporary directory and the variables a test sets — never the machine's ~/.aws,
// gcloud login or cloud metadata servers (no network beyond 127.0.0.1).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLEARED = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_BEARER_TOKEN_BEDROCK',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_SDK_LOAD_CONFIG',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GCE_METADATA_HOST',
  'GCE_METADATA_IP',
] as const;

export interface CredentialSandbox {
  readonly dir: string;
  /** Writes ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE) in INI form. */
  writeAwsCredentials(ini: string): void;
  /** Writes ~/.aws/config (AWS_CONFIG_FILE) in INI form. */
  writeAwsConfig(ini: string): void;
  /** Writes a JSON file in the sandbox and returns its path. */
  writeJson(name: string, value: unknown): string;
  restore(): void;
}

export function isolateCredentials(): CredentialSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'rc-creds-'));
  const saved = new Map<string, string | undefined>();
  const set = (name: string, value: string | undefined): void => {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  for (const name of CLEARED) set(name, undefined);
  const home = join(dir, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  mkdirSync(join(home, 'gcloud'), { recursive: true });
  set('HOME', home);
  set('AWS_SHARED_CREDENTIALS_FILE', join(home, '.aws', 'credentials'));
  set('AWS_CONFIG_FILE', join(home, '.aws', 'config'));
  set('AWS_EC2_METADATA_DISABLED', 'true');
  set('CLOUDSDK_CONFIG', join(home, 'gcloud'));
  set('METADATA_SERVER_DETECTION', 'none');
  return {
    dir,
    writeAwsCredentials: (ini) => writeFileSync(join(home, '.aws', 'credentials'), ini),
    writeAwsConfig: (ini) => writeFileSync(join(home, '.aws', 'config'), ini),
    writeJson: (name, value) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(value));
      return path;
    },
    restore: () => {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
