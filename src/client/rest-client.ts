// REST client of the SDK: signs every request per SPEC section 4 and returns
// the parsed answer with its status. Uses the platform's fetch.
import { type Credentials, signRest } from './credentials.ts';

export interface OrderInput {
  clOrdId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  qty: string;
  price?: string;
  tif?: 'GTC' | 'IOC' | 'FOK' | 'DAY';
  postOnly?: boolean;
}

export interface RestResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RestError {
  error: { code: string; message: string; requestId: string };
}

/** How long a request waits for its answer by default: past the firewall's venue timeout (2 s) with room. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class RestClient {
  /**
   * `clock`: Unix ms for X-PC-TIMESTAMP (pass one with an offset for a skewed machine clock).
   * `timeoutMs`: a request without an answer by then fails (it would otherwise wait for the
   * HTTP stack's own limit, minutes); its order's status is then unknown, to be looked up.
   */
  constructor(
    private readonly baseUrl: string,
    private readonly credentials: Credentials,
    private readonly clock: () => number = Date.now,
    private readonly timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {}

  placeOrder(order: OrderInput): Promise<RestResponse> {
    return this.request('POST', '/api/v1/orders', order);
  }

  cancelOrder(clOrdId: string): Promise<RestResponse> {
    return this.request('DELETE', `/api/v1/orders/${encodeURIComponent(clOrdId)}`);
  }

  cancelAll(symbol?: string): Promise<RestResponse> {
    return this.request('POST', '/api/v1/orders/cancel-all', symbol === undefined ? {} : { symbol });
  }

  getOrder(clOrdId: string): Promise<RestResponse> {
    return this.request('GET', `/api/v1/orders/${encodeURIComponent(clOrdId)}`);
  }

  limits(): Promise<RestResponse> {
    return this.request('GET', '/api/v1/limits');
  }

  private lastTimestamp = 0;

  /** A signed request with a JSON body (or none). */
  async request(method: string, pathWithQuery: string, body?: unknown): Promise<RestResponse> {
    // What is signed must be what goes on the wire: the URL as fetch sends it (spaces and
    // non-ASCII percent-encoded, dot segments resolved, no fragment) and the method in capitals.
    // Signing the text as given made such requests AUTH_BAD_SIGNATURE, and failures count
    // toward the lockout of every key from this address.
    const url = new URL(pathWithQuery, this.baseUrl);
    const target = url.pathname + url.search;
    method = method.toUpperCase();
    const bytes = body === undefined ? new Uint8Array(0) : Buffer.from(JSON.stringify(body), 'utf8');
    // Two identical requests in one millisecond would carry one signature, and the second
    // would be refused as REPLAYED: timestamps from one client strictly increase.
    // Whole ms: a fraction would make the signed text differ from any the firewall accepts.
    const timestamp = Math.max(Math.floor(this.clock()), this.lastTimestamp + 1);
    this.lastTimestamp = timestamp;
    const headers: Record<string, string> = {
      'X-PC-APIKEY': this.credentials.keyId,
      'X-PC-TIMESTAMP': String(timestamp),
      'X-PC-SIGNATURE': signRest(this.credentials, timestamp, method, target, bytes),
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url, {
      method,
      // A redirect would carry the signed headers to wherever it points.
      redirect: 'error',
      signal: AbortSignal.timeout(this.timeoutMs),
      headers,
      body: body === undefined ? undefined : bytes,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      // not JSON: return the text as is
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
}
