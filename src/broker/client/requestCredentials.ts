// The credentials one request carries to the broker, resolved in the client that asks — never
// in the broker, which has no environment of anyone's (brokerEnvironment.ts) and looks nowhere
// itself. A provider's callbacks (keys the user stored) come first; a Bedrock or Vertex
// provider without one gets what this client's own set-up gives, exactly as its in-process
// manager would find it: AWS_BEARER_TOKEN_BEDROCK or the AWS default chain (this process's
// environment and profile, ~/.aws, SSO, roles) signed as SigV4 keys; Google Application Default
// Credentials as an access token. The chains are kept (the SDKs refresh inside them).
import type { CredentialRequest, ManagerConfig, ProviderConfig } from '../../core/contract';
import { AwsCredentialChains, resolveBedrockAuth } from '../../core/awsCredentials';
import { GoogleAdcClients, findGoogleCredentials } from '../../core/vertexProvider';
import type { ProviderSecrets } from '../protocol';

type Env = Readonly<Record<string, string | undefined>>;

export class RequestCredentials {
  private readonly aws = new AwsCredentialChains();
  private readonly google = new GoogleAdcClients();

  constructor(private readonly env: Env = process.env) {}

  /** Per provider (in the config's order), the credentials this request carries (`request`: which one, for
   *  callbacks that answer per request); an unset one is left out. */
  resolve(config: ManagerConfig, request?: CredentialRequest): Promise<ProviderSecrets> {
    return Promise.all(config.providers.map((provider) => this.forProvider(provider, request)));
  }

  /** The credentials that name whose rate limits a request spends (credentialScope.ts), as `resolve`
   *  gives them: none for Vertex (its project names the account; no token is fetched for nothing). */
  resolveNames(config: ManagerConfig, request?: CredentialRequest): Promise<ProviderSecrets> {
    return Promise.all(config.providers.map((provider) => (provider.id === 'vertex' ? {} : this.forProvider(provider, request))));
  }

  private async forProvider(provider: ProviderConfig, request: CredentialRequest | undefined): Promise<Record<string, string>> {
    const secrets = await stored(provider, request);
    if (provider.id === 'bedrock' && !secrets['apiKey'] && !(secrets['awsAccessKeyId'] && secrets['awsSecretAccessKey'])) {
      const none = { apiKey: '', accessKeyId: '', secretAccessKey: '', sessionToken: '' };
      const found = await resolveBedrockAuth({ ...none, profile: (provider.awsProfile ?? '').trim() }, this.aws, this.env);
      const auth = found.ok ? found.auth : null;
      if (auth?.kind === 'bearer') secrets['apiKey'] = auth.token;
      else if (auth?.kind === 'sigv4') {
        const { accessKeyId, secretAccessKey, sessionToken } = auth.credentials;
        Object.assign(secrets, { awsAccessKeyId: accessKeyId, awsSecretAccessKey: secretAccessKey }, sessionToken ? { awsSessionToken: sessionToken } : {});
      }
    }
    if (provider.id === 'vertex' && !secrets['apiKey'] && provider.projectId) {
      const found = await findGoogleCredentials(provider.projectId, this.google);
      if (found.ok) {
        const token = /^Bearer\s+(.+)$/i.exec((await found.client.getRequestHeaders()).get('authorization') ?? '')?.[1]?.trim();
        if (token) secrets['apiKey'] = token;
      }
    }
    return secrets;
  }
}

/** Calls every credential callback of the provider now (one request's worth). */
async function stored(provider: ProviderConfig, request: CredentialRequest | undefined): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(provider)) {
    if (typeof value !== 'function') continue;
    const resolved: unknown = await (value as (request?: CredentialRequest) => unknown)(request);
    if (typeof resolved === 'string' && resolved !== '') secrets[key] = resolved;
  }
  return secrets;
}
