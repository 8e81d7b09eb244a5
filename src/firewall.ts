// One running firewall: the state (runtime), the venue link and the router,
// and the uWS.js app with both doors. `portcullis start` and `portcullis demo`
// run one; tests start one on a random port.
import uWS from 'uWebSockets.js';
import { createLogger, type Logger } from './control/logger.ts';
import type { EdgeContext } from './edge/edge-context.ts';
import { FixEndpoint } from './edge/fix/fix-endpoint.ts';
import { ReplayCache } from './edge/replay-cache.ts';
import { RestApi } from './edge/rest/rest-api.ts';
import { OrderRouter } from './routing/order-router.ts';
import type { LoadedConfig } from './state/config/load.ts';
import { KillSwitch } from './state/kill-switch.ts';
import { Lockout } from './state/lockout.ts';
import { FirewallRuntime, type ReloadSummary, type RuntimeOptions } from './state/runtime.ts';
import { VenueLink } from './venue/link.ts';

export interface FirewallOptions {
  loaded: LoadedConfig;
  log?: Logger;
  runtime?: RuntimeOptions;
  /** Override the configured listen port (0 = a random free port). */
  port?: number;
  /** Override the configured venue port. */
  venuePort?: number;
  /** Identifies this firewall to the venue. */
  firewallId?: string;
  venueHeartbeatMs?: number;
  /** Resolve start() only once the venue link is up (default true; false starts without a venue). */
  waitForVenue?: boolean;
  /** How often expired finished orders are swept out of memory (ms, default 100). */
  sweepMs?: number;
}

export class Firewall implements EdgeContext {
  readonly runtime: FirewallRuntime;
  readonly router: OrderRouter;
  readonly link: VenueLink;
  readonly killSwitch: KillSwitch;
  readonly lockout: Lockout;
  readonly replay: ReplayCache;
  readonly log: Logger;
  readonly rest: RestApi;
  readonly fix: FixEndpoint;
  private app: uWS.TemplatedApp | null = null;
  private listenSocket: uWS.us_listen_socket | null = null;
  private listenPort = 0;
  private sweepTimer: NodeJS.Timeout | null = null;

  private constructor(private readonly options: FirewallOptions) {
    const { config } = options.loaded;
    this.log = options.log ?? createLogger();
    for (const warning of options.loaded.warnings) this.log.warn({ path: warning.path }, warning.message);
    this.runtime = new FirewallRuntime(options.loaded, options.runtime);
    this.router = new OrderRouter({
      orders: this.runtime.orders,
      tables: this.runtime.tables,
      marketIndexOf: (symbol) => this.runtime.model.markets.get(symbol)?.index ?? -1,
      accountIdOf: (index) => {
        for (const account of this.runtime.model.accounts.values())
          if (account.index === index) return account.id;
        return undefined;
      },
      log: (level, fields, message) => this.log[level](fields, message),
    });
    this.link = new VenueLink({
      host: config.venue.host,
      port: options.venuePort ?? config.venue.port,
      timeoutMs: config.venue.timeoutMs,
      firewallId: options.firewallId ?? `portcullis-${process.pid}`,
      heartbeatMs: options.venueHeartbeatMs,
      handler: this.router,
      log: (level, fields, message) => this.log[level](fields, message),
    });
    this.router.attach(this.link);
    this.killSwitch = new KillSwitch(this.runtime.tables, this.router);
    this.lockout = new Lockout({
      failuresBeforeLockout: config.limits.authFailuresBeforeLockout,
      lockoutMs: config.limits.lockoutMs,
    });
    this.replay = new ReplayCache({ windowMs: config.session.recvWindowMs });
    this.rest = new RestApi(this);
    this.fix = new FixEndpoint(this);
  }

  static async start(options: FirewallOptions): Promise<Firewall> {
    const firewall = new Firewall(options);
    try {
      await firewall.listen();
      firewall.link.start();
      // Accounts that keep trading forget their expired orders as new ones finish; this
      // gives back the memory of those that stopped.
      firewall.sweepTimer = setInterval(
        () => firewall.runtime.orders.forgetExpired(Date.now()),
        options.sweepMs ?? 100,
      ).unref();
      if (options.waitForVenue ?? true) await firewall.venueUp();
    } catch (error) {
      await firewall.stop();
      throw error;
    }
    return firewall;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Swaps in a new configuration (atomically; a ConfigError leaves the running one). */
  reload(loaded: LoadedConfig): ReloadSummary {
    const summary = this.runtime.reload(loaded);
    this.log.info(summary, 'configuration reloaded');
    return summary;
  }

  /** Resolves when the venue link is up (after its Hello). */
  venueUp(timeoutMs = 10_000): Promise<void> {
    if (this.link.isUp) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (this.link.isUp) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(poll);
          reject(
            new Error(
              `the venue at ${this.runtime.config.venue.host}:${this.options.venuePort ?? this.runtime.config.venue.port} did not answer within ${timeoutMs} ms`,
            ),
          );
        }
      }, 5);
    });
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    if (this.listenSocket) uWS.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
    // The venue drops the orders of a lost link. Stopping it while the clients are still
    // connected tells each of them the fate of its orders: a REST request waiting on the venue
    // is answered, a FIX session hears its orders canceled, and only then gets its Logout.
    await this.link.stop();
    this.fix.logoutAll('the firewall is shutting down');
    this.app?.close();
    this.app = null;
    this.runtime.close();
  }

  private listen(): Promise<void> {
    const { listen } = this.runtime.config;
    const app = listen.tls
      ? uWS.SSLApp({ cert_file_name: listen.tls.certFile, key_file_name: listen.tls.keyFile })
      : uWS.App();
    this.fix.register(app);
    this.rest.register(app);
    this.app = app;
    const port = this.options.port ?? listen.port;
    return new Promise((resolve, reject) => {
      app.listen(listen.host, port, (socket) => {
        if (!socket) {
          reject(
            new Error(`cannot listen on ${listen.host}:${port} (in use, or not an address of this machine)`),
          );
          return;
        }
        this.listenSocket = socket;
        this.listenPort = uWS.us_socket_local_port(socket);
        this.log.info({ host: listen.host, port: this.listenPort, tls: listen.tls !== null }, 'listening');
        resolve();
      });
    });
  }
}
