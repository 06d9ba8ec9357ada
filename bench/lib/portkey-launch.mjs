// Starts the Portkey gateway's own Node server build, bound to loopback only
// (its build listens on every interface; this keeps the benchmark on 127.0.0.1).
// Usage: node bench/lib/portkey-launch.mjs --port=N --headless
import http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'object' && args[0] !== null) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  } else if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};

// Compatibility shim, documented in docs/BENCHMARKS.md: @hono/node-server (which the
// gateway's Node build runs on) replaces the global Response with one that, built as
// `new Response(stream, upstreamFetchResponse)`, keeps the upstream response's
// immutable Headers; the gateway then appends its x-portkey-* headers and every
// streamed /v1/messages call fails with 500 "Something went wrong" (TypeError:
// immutable). Giving upstream responses mutable headers changes nothing else.
const nativeFetch = globalThis.fetch;
const NativeResponse = globalThis.Response;
globalThis.fetch = async (...args) => {
  const response = await nativeFetch(...args);
  return new NativeResponse(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
};

const require = createRequire(import.meta.url);
const packageJson = require.resolve('@portkey-ai/gateway/package.json');
await import(pathToFileURL(packageJson.replace(/package\.json$/, 'build/start-server.js')).href);
