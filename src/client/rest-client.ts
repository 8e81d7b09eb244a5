// REST client of the SDK: signs every request per SPEC section 4 and returns
// the parsed answer with its status. Uses the platform's fetch. Bodies go as
// JSON, or as msgpack (SPEC section 4 takes either) when asked for.
import { Packr, unpack } from 'msgpackr';
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

export interface RestClientOptions {
  /** Unix ms for X-PC-TIMESTAMP (pass one with an offset for a skewed machine clock). Default Date.now. */
  clock?: () => number;
  /**
   * A request without an answer by then fails (it would otherwise wait for the HTTP stack's
   * own limit, minutes); its order's status is then unknown, to be looked up. Default 30 s.
   */
  timeoutMs?: number;
  /** Request and response bodies: 'json' (the default) or 'msgpack'. */
  encoding?: 'json' | 'msgpack';
}

// Plain msgpack maps: msgpackr's record extension is refused by the firewall (and by
// any other msgpack reader that does not know it).
const packr = new Packr({ useRecords: false });

export class RestClient {
  private readonly origin: string;
  private readonly clock: () => number;
  private readonly timeoutMs: number;
  private readonly msgpack: boolean;
  private lastTimestamp = 0;

  /**
   * `baseUrl` is the firewall's origin (`http://host:port` or `https://...`). A path there
   * is refused: the firewall serves the API at /api/v1 and checks the signature over the
   * path it receives, so a prefix would either be signed and not found or not be signed.
   */
  constructor(
    baseUrl: string,
    private readonly credentials: Credentials,
    options: RestClientOptions = {},
  ) {
    const url = URL.canParse(baseUrl) ? new URL(baseUrl) : null;
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new TypeError(`baseUrl must be an http:// or https:// URL, got ${JSON.stringify(baseUrl)}`);
    }
    if (
      url.pathname !== '/' ||
      url.search !== '' ||
      url.hash !== '' ||
      url.username !== '' ||
      url.password !== ''
    ) {
      throw new TypeError(
        `baseUrl must be the firewall's origin alone (${url.origin}), without a path, query or user: got ${JSON.stringify(baseUrl)}`,
      );
    }
    this.origin = url.origin;
    this.clock = options.clock ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const encoding = options.encoding ?? 'json';
    if (encoding !== 'json' && encoding !== 'msgpack') {
      throw new TypeError(`encoding must be 'json' or 'msgpack', got ${JSON.stringify(encoding)}`);
    }
    this.msgpack = encoding === 'msgpack';
  }

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

  /**
   * A signed request with a body (or none), in the client's encoding. The answer's body is
   * decoded by its Content-Type: JSON, msgpack, or else the text as it came.
   */
  async request(method: string, pathWithQuery: string, body?: unknown): Promise<RestResponse> {
    // What is signed must be what goes on the wire: the URL as fetch sends it (spaces and
    // non-ASCII percent-encoded, dot segments resolved, no fragment) and the method in capitals.
    // Signing the text as given made such requests AUTH_BAD_SIGNATURE, and failures count
    // toward the lockout of every key from this address.
    const url = new URL(pathWithQuery, this.origin);
    const target = url.pathname + url.search;
    method = method.toUpperCase();
    const mediaType = this.msgpack ? 'application/msgpack' : 'application/json';
    const bytes =
      body === undefined
        ? new Uint8Array(0)
        : this.msgpack
          ? packr.pack(body)
          : Buffer.from(JSON.stringify(body), 'utf8');
    // Two identical requests in one millisecond would carry one signature, and the second
    // would be refused as REPLAYED: timestamps from one client strictly increase.
    // Whole ms: a fraction would make the signed text differ from any the firewall accepts.
    const timestamp = Math.max(Math.floor(this.clock()), this.lastTimestamp + 1);
    this.lastTimestamp = timestamp;
    const headers: Record<string, string> = {
      'X-PC-APIKEY': this.credentials.keyId,
      'X-PC-TIMESTAMP': String(timestamp),
      'X-PC-SIGNATURE': signRest(this.credentials, timestamp, method, target, bytes),
      Accept: mediaType,
    };
    if (body !== undefined) headers['Content-Type'] = mediaType;
    const response = await fetch(url, {
      method,
      // A redirect would carry the signed headers to wherever it points.
      redirect: 'error',
      signal: AbortSignal.timeout(this.timeoutMs),
      headers,
      body: body === undefined ? undefined : bytes,
    });
    return { status: response.status, headers: response.headers, body: await decodeBody(response) };
  }
}

/** The answer's body: msgpack when its Content-Type says so, else JSON, or the text itself when it is not JSON. */
async function decodeBody(response: Response): Promise<unknown> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length === 0) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/msgpack') {
    try {
      return unpack(bytes);
    } catch {
      // not msgpack after all: read on as text
    }
  }
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
