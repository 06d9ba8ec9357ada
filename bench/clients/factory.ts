// Builds a fresh client of a given name (each benchmark run gets a new one).
import type { ClientName } from '../config';
import type { BenchClient, ClientEnv } from './client';
import { createNaiveLoopClient } from './naive-loop';
import { createOursClient } from './ours';
import { createPortkeyClient } from './portkey';
import { createPlainSdkClient } from './sdk-plain';

export async function createClient(name: ClientName, env: ClientEnv): Promise<BenchClient> {
  switch (name) {
    case 'sdk-default':
      return createPlainSdkClient(name, env, undefined);
    case 'sdk-retry5':
      return createPlainSdkClient(name, env, 5);
    case 'naive-loop':
      return createNaiveLoopClient(env);
    case 'portkey':
      return createPortkeyClient(env);
    case 'ours':
      return createOursClient(env);
  }
}
