// Whether Bedrock and Vertex can authenticate with what the user already has — the AWS
// default chain (environment, ~/.aws with the configured profile, SSO, roles) and Google
// Application Default Credentials — when nothing is stored in secret storage. The
// answer decides whether the provider is tried; it is kept a little while, so asking
// before every request costs nothing, and looked up afresh when settings or stored
// credentials change. Never holds or returns a credential value (they go to the secret
// registry for redaction). No 'vscode' here.
import { AwsCredentialChains, resolveBedrockAuth } from '../core/awsCredentials';
import { GoogleAdcClients, findGoogleCredentials } from '../core/vertexProvider';

export type AmbientProbe =
  | { readonly found: true; readonly source: string }
  | { readonly found: false; readonly message: string };

/** How long an answer is reused before the chain is asked again. */
export const AMBIENT_PROBE_TTL_MS = 60_000;

const NO_STORED = { apiKey: '', accessKeyId: '', secretAccessKey: '', sessionToken: '' } as const;

export class AmbientCredentials {
  private readonly aws = new AwsCredentialChains();
  private readonly google = new GoogleAdcClients();
  private readonly answers = new Map<string, { readonly at: number; readonly probe: Promise<AmbientProbe> }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Bedrock through the AWS default chain (or `profile`). */
  bedrock(profile: string, fresh = false): Promise<AmbientProbe> {
    return this.cached(`bedrock\n${profile}`, fresh, async () => {
      const result = await resolveBedrockAuth({ ...NO_STORED, profile }, this.aws);
      return result.ok ? { found: true, source: result.auth.source } : { found: false, message: result.message };
    });
  }

  /** Vertex through Application Default Credentials for `projectId`. */
  vertex(projectId: string, fresh = false): Promise<AmbientProbe> {
    return this.cached(`vertex\n${projectId}`, fresh, async () => {
      const result = await findGoogleCredentials(projectId, this.google);
      return result.ok ? { found: true, source: 'Google Application Default Credentials' } : { found: false, message: result.message };
    });
  }

  /** Forgets every answer and chain: the next question reads files and environment afresh. */
  forget(): void {
    this.answers.clear();
    this.aws.forget();
    this.google.forget();
  }

  private cached(key: string, fresh: boolean, probe: () => Promise<AmbientProbe>): Promise<AmbientProbe> {
    const kept = this.answers.get(key);
    if (kept && !fresh && this.now() - kept.at < AMBIENT_PROBE_TTL_MS) return kept.probe;
    // A new answer reads files and environment afresh (the chains would keep what they found).
    this.aws.forget();
    this.google.forget();
    const answer = { at: this.now(), probe: probe() };
    this.answers.set(key, answer);
    return answer.probe;
  }
}
