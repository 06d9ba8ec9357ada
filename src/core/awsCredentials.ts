// How Bedrock requests authenticate, in order: a Bedrock API key or AWS keys the user
// stored (secret storage), then the AWS credentials the user already has — the
// `AWS_BEARER_TOKEN_BEDROCK` variable, or the AWS SDK's own default chain: environment
// variables, ~/.aws/credentials and ~/.aws/config (the configured profile), SSO, web
// identity, credential_process, container and instance roles. The chain is the AWS SDK's
// (loaded on first use), so SigV4 credentials refresh as the SDK refreshes them; every
// value resolved is registered with redaction.
import { withinCredentialTimeout } from './credentialTimeout';
import { redactSecrets, shortMessage } from './redact';
import { sdkLogger } from './sdkLog';
import { registerSecrets } from './secretRegistry';

export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type AwsCredentialProvider = () => Promise<AwsCredentialIdentity>;

/** What the user configured for Bedrock; '' means not set. */
export interface BedrockCredentialInputs {
  /** A Bedrock API key from secret storage. */
  readonly apiKey: string;
  /** AWS keys from secret storage. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** A profile of ~/.aws/config (resilientClaude.bedrock.profile); '' uses the default chain. */
  readonly profile: string;
}

export type BedrockAuth =
  | {
      readonly kind: 'bearer';
      readonly token: string;
      /** Where it came from, for the log: never the value. */
      readonly source: string;
    }
  | {
      readonly kind: 'sigv4';
      /** Supplies credentials per request (refreshed by the AWS SDK when they expire). */
      readonly provider: AwsCredentialProvider;
      /** Changes when the credential source changes; holds secrets for stored keys, never logged. */
      readonly identity: string;
      readonly source: string;
      /** The credentials resolved for this attempt. */
      readonly credentials: AwsCredentialIdentity;
    };

export type BedrockAuthResult =
  | { readonly ok: true; readonly auth: BedrockAuth }
  | { readonly ok: false; readonly message: string };

/** How long the chain may take (SSO refresh, instance metadata) before the attempt gives up on it. */
export const AWS_CHAIN_TIMEOUT_MS = 15_000;

/** The AWS default chain per profile, created once and kept (the SDK memoizes and refreshes inside it). */
export class AwsCredentialChains {
  private readonly chains = new Map<string, Promise<AwsCredentialProvider>>();

  chainFor(profile: string): Promise<AwsCredentialProvider> {
    let chain = this.chains.get(profile);
    if (!chain) {
      chain = createChain(profile);
      this.chains.set(profile, chain);
      chain.catch(() => this.chains.delete(profile));
    }
    return chain;
  }

  /** Drops a chain (after a failure, so the next attempt reads the files afresh), or all. */
  forget(profile?: string): void {
    if (profile === undefined) this.chains.clear();
    else this.chains.delete(profile);
  }
}

async function createChain(profile: string): Promise<AwsCredentialProvider> {
  const { createCredentialChain, fromEnv, fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const logger = sdkLogger();
  // ignoreCache: a chain created after a failure reads ~/.aws afresh (e.g. after `aws sso login`).
  const node = fromNodeProviderChain({ logger, ignoreCache: true, ...(profile !== '' ? { profile } : {}) });
  // With an explicit profile the AWS SDK skips environment keys (the profile wins);
  // without one, environment keys win even when AWS_PROFILE is set, like the AWS CLI.
  const chain = profile !== '' ? node : createCredentialChain(fromEnv({ logger }), node);
  return registering(chain);
}

/** Every credential the provider hands out is registered with redaction before it is used. */
function registering(provider: AwsCredentialProvider): AwsCredentialProvider {
  return async () => {
    const credentials = await provider();
    registerSecrets(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken);
    return credentials;
  };
}

function describeSources(profile: string): string {
  const files = profile !== '' ? `~/.aws profile '${profile}'` : 'environment, ~/.aws default profile';
  return `${files}, SSO, container or instance role`;
}

const NOT_FOUND = /could not load credentials from any providers/i;

/** The message for a chain that found nothing, or failed (an expired SSO session names its fix). */
export function missingAwsCredentialsMessage(profile: string, cause: unknown): string {
  const reason = shortMessage(redactSecrets(cause instanceof Error ? cause.message : String(cause ?? '')), 200);
  const fix = 'run "Resilient Claude: Set AWS Credentials for Bedrock" or configure a profile (resilientClaude.bedrock.profile)';
  if (reason === '' || NOT_FOUND.test(reason)) {
    return `Bedrock: no AWS credentials found (${describeSources(profile)}) — ${fix}.`;
  }
  const where = profile !== '' ? `profile '${profile}'` : 'the default AWS credential chain';
  return `Bedrock: AWS credentials from ${where} could not be loaded: ${reason} — ${fix}.`;
}

/** Resolves how the next Bedrock attempt authenticates, or says plainly what is missing. */
export async function resolveBedrockAuth(
  inputs: BedrockCredentialInputs,
  chains: AwsCredentialChains,
  env: Readonly<Record<string, string | undefined>> = process.env,
  timeoutMs = AWS_CHAIN_TIMEOUT_MS,
): Promise<BedrockAuthResult> {
  if (inputs.apiKey !== '') {
    registerSecrets(inputs.apiKey);
    return { ok: true, auth: { kind: 'bearer', token: inputs.apiKey, source: 'Bedrock API key in secret storage' } };
  }
  if (inputs.accessKeyId !== '' && inputs.secretAccessKey !== '') {
    const credentials: AwsCredentialIdentity = {
      accessKeyId: inputs.accessKeyId,
      secretAccessKey: inputs.secretAccessKey,
      ...(inputs.sessionToken !== '' ? { sessionToken: inputs.sessionToken } : {}),
    };
    registerSecrets(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken);
    return {
      ok: true,
      auth: {
        kind: 'sigv4',
        provider: async () => credentials,
        identity: JSON.stringify(['stored', credentials.accessKeyId, credentials.secretAccessKey, inputs.sessionToken]),
        source: 'AWS keys in secret storage',
        credentials,
      },
    };
  }
  const envToken = (env['AWS_BEARER_TOKEN_BEDROCK'] ?? '').trim();
  if (inputs.profile === '' && envToken !== '') {
    registerSecrets(envToken);
    return { ok: true, auth: { kind: 'bearer', token: envToken, source: 'AWS_BEARER_TOKEN_BEDROCK' } };
  }
  try {
    const provider = await chains.chainFor(inputs.profile);
    const credentials = await withinCredentialTimeout(provider(), timeoutMs, 'Looking up AWS credentials');
    return {
      ok: true,
      auth: {
        kind: 'sigv4',
        provider,
        identity: JSON.stringify(['chain', inputs.profile]),
        source: inputs.profile !== '' ? `AWS profile '${inputs.profile}'` : 'the default AWS credential chain',
        credentials,
      },
    };
  } catch (error) {
    chains.forget(inputs.profile);
    return { ok: false, message: missingAwsCredentialsMessage(inputs.profile, error) };
  }
}
