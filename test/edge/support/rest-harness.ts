// Raw HTTP helpers for the REST edge tests: signed requests built by hand
// (so a test can alter any byte after signing), a raw-socket exchange for
// slow, chunked or lying bodies, a raw keep-alive conversation of several
// requests, config helpers for extra keys and
// accounts, and assertions on the SPEC section 4 error shape.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { unpack } from 'msgpackr';
import { type Credentials, signRest } from '../../../src/client/credentials.ts';
import type { ConfigInput, KeyConfig } from '../../../src/state/config/schema.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body decoded by its Content-Type (JSON or msgpack), or the text. */
  data: unknown;
}

export interface SendOptions {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Source address of the connection (any 127.x.y.z reaches the firewall on Linux). */
  localAddress?: string;
}

function decode(contentType: string | undefined, body: Buffer): unknown {
  if (body.length === 0) return null;
  if (contentType?.includes('application/msgpack')) return unpack(body);
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One request on a fresh connection (no keep-alive: a server close cannot hit the next request). */
export function send(port: number, options: SendOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: options.headers ?? {},
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body,
            data: decode(headers['content-type'], body),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export interface SignedOptions {
  /** Body bytes to sign and send; an object is sent as JSON. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** Timestamp to put in the header (default: now, unique per request). */
  timestamp?: number;
  /** Sign these instead of what is sent, to test tampering. */
  signMethod?: string;
  signPath?: string;
  signBody?: Uint8Array;
  /** Leave out one of the auth headers. */
  omit?: 'X-PC-APIKEY' | 'X-PC-TIMESTAMP' | 'X-PC-SIGNATURE';
  headers?: Record<string, string>;
  localAddress?: string;
}

let lastTimestamp = 0;
/**
 * Now, in Unix ms, but never the same value twice: two identical requests signed within
 * one millisecond would carry the same signature, and the second would be REPLAYED.
 */
export function uniqueNow(): number {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return lastTimestamp;
}

export function bodyBytes(body: unknown): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** The auth headers of a request, exactly as SPEC section 4 defines them. */
export function authHeaders(
  credentials: Credentials,
  method: string,
  pathWithQuery: string,
  body: Uint8Array,
  timestamp = uniqueNow(),
): Record<string, string> {
  return {
    'X-PC-APIKEY': credentials.keyId,
    'X-PC-TIMESTAMP': String(timestamp),
    'X-PC-SIGNATURE': signRest(credentials, timestamp, method, pathWithQuery, body),
  };
}

/** A signed request; every part of it can be altered through `options`. */
export function signed(
  port: number,
  credentials: Credentials,
  method: string,
  path: string,
  options: SignedOptions = {},
): Promise<RawResponse> {
  const bytes = bodyBytes(options.body);
  const timestamp = options.timestamp ?? uniqueNow();
  const headers: Record<string, string> = authHeaders(
    credentials,
    options.signMethod ?? method,
    options.signPath ?? path,
    options.signBody ?? bytes,
    timestamp,
  );
  if (options.omit) delete headers[options.omit];
  if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  if (options.accept) headers.Accept = options.accept;
  Object.assign(headers, options.headers);
  return send(port, {
    method,
    path,
    headers,
    ...(options.body !== undefined ? { body: bytes } : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
}

/** The SPEC error body: status, code, non-empty requestId equal to X-Request-Id, and rate-limit headers. */
export function assertError(
  res: RawResponse,
  status: number,
  code: string,
): { code: string; message: string } {
  const shown = `${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
  assert.equal(res.status, status, shown);
  const body = res.data as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
  assert.equal(typeof body, 'object', shown);
  assert.deepEqual(Object.keys(body), ['error'], shown);
  const error = body.error!;
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'requestId'], shown);
  assert.equal(error.code, code, shown);
  assert.equal(typeof error.message, 'string');
  assert.ok((error.message as string).length > 0, 'the message is not empty');
  assert.equal(typeof error.requestId, 'string');
  assert.ok((error.requestId as string).length > 0, 'the requestId is not empty');
  assert.equal(res.headers['x-request-id'], error.requestId, 'X-Request-Id names the same request');
  assertRateLimitHeaders(res);
  return { code: error.code as string, message: error.message as string };
}

/** IETF RateLimit-Policy / RateLimit headers (structured-field form: "name";q=..;w=.. and "name";r=..;t=..). */
export function assertRateLimitHeaders(res: RawResponse): void {
  const policy = res.headers['ratelimit-policy'];
  const state = res.headers.ratelimit;
  assert.ok(policy, `RateLimit-Policy on ${res.status} ${res.body.toString('utf8').slice(0, 120)}`);
  assert.ok(state, `RateLimit on ${res.status} ${res.body.toString('utf8').slice(0, 120)}`);
  assert.match(policy, /^"[a-z.]+";q=\d+;w=\d+$/);
  assert.match(state, /^"[a-z.]+";r=\d+;t=\d+$/);
}

export function assertSuccess(res: RawResponse, status: number): Record<string, unknown> {
  assert.equal(res.status, status, `${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
  assert.ok(res.headers['x-request-id'], 'X-Request-Id on success');
  assertRateLimitHeaders(res);
  return res.data as Record<string, unknown>;
}

// --- raw sockets -------------------------------------------------------------

export type RawPart = string | Uint8Array | { pauseMs: number };

export interface RawExchangeOptions {
  localAddress?: string;
  /** Give up (and report status 0) after this long; default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Parses one HTTP/1.1 response with a Content-Length (what uWS writes for res.end), or with
 * none and so no body (the answer to a HEAD); with the number of bytes it took.
 */
function parseResponseAt(buffer: Buffer): { response: RawResponse; size: number } | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buffer.length < end + 4 + length) return null;
  const body = Buffer.from(buffer.subarray(end + 4, end + 4 + length));
  return {
    response: { status, headers, body, data: decode(headers['content-type'], body) },
    size: end + 4 + length,
  };
}

function parseResponse(buffer: Buffer): RawResponse | null {
  return parseResponseAt(buffer)?.response ?? null;
}

/**
 * Writes the parts over a raw TCP connection (pausing where asked) and reads
 * one response. Write errors after the server answered (it may close early)
 * are ignored: the response is what counts.
 */
export function rawExchange(port: number, parts: RawPart[], options: RawExchangeOptions = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (result: RawResponse | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(
      () => finish(new Error(`no complete response within ${options.timeoutMs ?? 5000} ms`)),
      options.timeoutMs ?? 5000,
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const response = parseResponse(received);
      if (response) finish(response);
    });
    socket.on('error', () => {
      // EPIPE / ECONNRESET after an early answer: judged by what was received.
    });
    socket.on('close', () => {
      const response = parseResponse(received);
      finish(response ?? new Error(`connection closed after ${received.length} bytes without a response`));
    });
    socket.on('connect', async () => {
      for (const part of parts) {
        if (settled || socket.destroyed) return;
        if (typeof part === 'object' && 'pauseMs' in part) {
          await new Promise((r) => setTimeout(r, part.pauseMs));
        } else {
          socket.write(part);
        }
      }
    });
  });
}

/**
 * Sends the requests one after another on one keep-alive connection, each once the answer
 * to the one before is complete, and returns the answers. A byte after an answer (a body
 * that a HEAD answer must not have, say) is read as the start of the next answer, which then
 * fails to parse; bytes left after the last answer are an error.
 */
export function rawConversation(port: number, requests: string[], options: RawExchangeOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise<RawResponse[]>((resolve, reject) => {
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const responses: RawResponse[] = [];
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(responses);
    };
    const progress = () => `${responses.length} of ${requests.length} answers`;
    const timer = setTimeout(() => finish(new Error(`${progress()} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      let parsed = parseResponseAt(received);
      while (parsed) {
        const start = received.subarray(0, 13).toString('latin1');
        if (!/^HTTP\/1\.1 \d{3} $/.test(start)) {
          finish(new Error(`after ${progress()}, the next starts with ${JSON.stringify(start)}`));
          return;
        }
        responses.push(parsed.response);
        received = received.subarray(parsed.size);
        if (responses.length === requests.length) {
          finish(received.length === 0 ? null : new Error(`${received.length} bytes after the last answer`));
          return;
        }
        socket.write(requests[responses.length]!);
        parsed = parseResponseAt(received);
      }
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error(`connection closed after ${progress()}`)));
    socket.on('connect', () => socket.write(requests[0]!));
  });
}

/** The head of a raw request, with the auth headers of `body` already included when credentials are given. */
export function rawHead(method: string, path: string, headers: Record<string, string>): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

// --- config helpers ----------------------------------------------------------

export interface KeyOptions {
  id: string;
  account: string;
  permissions?: Array<'trade' | 'cancel' | 'read'>;
  markets?: string[];
  cidrs?: string[];
  notBefore?: string | null;
  expiresAt?: string | null;
}

/** Adds an HMAC key (inline secret) to a config under edit; returns the client's credentials. */
export function addHmacKey(config: ConfigInput, options: KeyOptions): Credentials {
  const secret = randomBytes(24).toString('base64url');
  const entry = {
    id: options.id,
    account: options.account,
    type: 'hmac-sha256',
    secret: { value: secret },
    permissions: options.permissions ?? ['trade', 'cancel', 'read'],
    markets: options.markets ?? ['*'],
    cidrs: options.cidrs ?? ['127.0.0.0/8', '::1/128'],
    notBefore: options.notBefore ?? null,
    expiresAt: options.expiresAt ?? null,
  };
  config.keys.push(entry as KeyConfig);
  return { type: 'hmac-sha256', keyId: options.id, secret };
}

export interface AccountOptions {
  id: string;
  kyc?: 'verified' | 'pending' | 'rejected';
  blocked?: boolean;
  maxOpenOrders?: number;
  ordersPerSec?: number;
  burst?: number;
  maxPosition?: Record<string, string>;
}

export function addAccount(config: ConfigInput, options: AccountOptions): void {
  config.accounts.push({
    id: options.id,
    kyc: options.kyc ?? 'verified',
    blocked: options.blocked ?? false,
    limits: {
      maxOpenOrders: options.maxOpenOrders ?? 500,
      ordersPerSec: options.ordersPerSec ?? 1000,
      burst: options.burst ?? 2000,
      maxPosition: options.maxPosition ?? {},
    },
  });
}

export function addMarket(
  config: ConfigInput,
  symbol: string,
  extra: Partial<ConfigInput['markets'][number]> = {},
): void {
  config.markets.push({
    symbol,
    tickSize: '0.5',
    lotSize: '0.001',
    minQty: '0.001',
    maxQty: '100',
    maxNotional: '5000000',
    collarBps: 500,
    status: 'open',
    ...extra,
  });
}

/** Generous limits, so that only the test meant to hit a limit does. */
export function relaxLimits(config: ConfigInput): void {
  config.limits.perIp = { ratePerSec: 100_000, burst: 100_000 };
  config.limits.perConnection = { ratePerSec: 100_000, burst: 100_000 };
  config.limits.authFailuresBeforeLockout = 100_000;
  for (const account of config.accounts) {
    account.limits.ordersPerSec = 100_000;
    account.limits.burst = 100_000;
  }
}

let sequence = 0;
/** A clOrdId unique within the test run. */
export function clOrdId(prefix = 'o'): string {
  sequence++;
  return `${prefix}-${process.pid.toString(36)}-${sequence}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value other than undefined (deterministic: no timing asserted). */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string) {
  for (let i = 0; i < 500; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(10);
  }
  throw new Error(`gave up waiting for ${what}`);
}
