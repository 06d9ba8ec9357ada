// The three official clients, pointed at a simulator with dummy credentials and
// no retries: the Anthropic SDK, the Vertex SDK and the Bedrock SDK.
import Anthropic, { BadRequestError } from '@anthropic-ai/sdk';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import { OAuth2Client } from 'google-auth-library';
import { after, before } from 'node:test';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator, Scenario, SimulatorOptions } from '../../../src/simulator/index';

export const API_KEY = 'sk-ant-api03-simulator-test-key';

export function anthropicClient(sim: RunningSimulator): Anthropic {
  return new Anthropic({ apiKey: API_KEY, baseURL: sim.url, maxRetries: 0 });
}

export function vertexClient(sim: RunningSimulator): AnthropicVertex {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'dummy-vertex-token', expiry_date: Date.now() + 3_600_000 });
  return new AnthropicVertex({ projectId: 'demo-project', region: 'us-east5', baseURL: `${sim.url}/v1`, authClient, maxRetries: 0 });
}

export function bedrockClient(sim: RunningSimulator): AnthropicBedrock {
  return new AnthropicBedrock({ awsAccessKey: 'AKIDEXAMPLE', awsSecretKey: 'dummy-secret', awsRegion: 'us-east-1', baseURL: sim.url, maxRetries: 0 });
}

/** The Messages resource of each client, with the model id each provider expects for `model`. */
export interface ProviderClient {
  name: 'anthropic' | 'vertex' | 'bedrock';
  messages: Anthropic['messages'];
  model(id: string): string;
}

export function providerClients(sim: RunningSimulator): ProviderClient[] {
  return [
    { name: 'anthropic', messages: anthropicClient(sim).messages, model: (id) => id },
    { name: 'vertex', messages: vertexClient(sim).messages as unknown as Anthropic['messages'], model: (id) => id },
    { name: 'bedrock', messages: bedrockClient(sim).messages as unknown as Anthropic['messages'], model: (id) => `global.anthropic.${id}` },
  ];
}

/** The text of a message's text blocks, joined. */
export function textOf(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

export function toolUses(message: Anthropic.Message): Anthropic.ToolUseBlock[] {
  return message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
}

/** The 400 a request fails with (the assertion fails otherwise). */
export async function badRequest(promise: Promise<unknown>): Promise<BadRequestError> {
  const err = await promise.catch((e: unknown) => e);
  if (!(err instanceof BadRequestError)) throw new Error(`expected a 400, got ${String(err)}`);
  return err;
}

export interface SimulatorFixture {
  readonly sim: RunningSimulator;
  readonly client: Anthropic;
}

/** Call inside a describe(): starts a simulator before its tests (with an Anthropic client) and closes it after. */
export function useSimulator(scenario: Scenario | string, options: Omit<SimulatorOptions, 'scenario'> = {}): SimulatorFixture {
  let sim: RunningSimulator | undefined;
  let client: Anthropic | undefined;
  before(async () => {
    sim = await startSimulator({ ...options, scenario });
    client = anthropicClient(sim);
  });
  after(() => sim?.close());
  return {
    get sim() {
      return sim!;
    },
    get client() {
      return client!;
    },
  };
}
