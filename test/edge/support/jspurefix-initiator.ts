// A third-party FIX engine as a firewall client: jspurefix's own initiator
// (SessionContainer, TcpInitiatorConnector, an AsciiSession subclass) over
// FIX 4.4 with the QuickFIX FIX44.xml dictionary it ships ('qf44'), connected
// through a TCP-to-WebSocket bridge (jspurefix speaks FIX over TCP only).
//
// Its session layer judges everything the firewall sends: sequence numbers,
// and (checkMsgIntegrity, on here as it is for its acceptors) the CheckSum,
// the MsgType, every tag against the dictionary's message, the required tags,
// and the CompIDs. A message that fails is answered with a session Reject (or
// a ResendRequest for a gap) and never reaches the application: `sent` records
// every message it writes, so the tests can show none of those went out. It
// reads BodyLength without comparing it to the body; the bridge checks that.
//
// What QuickFIX checks and jspurefix does not, each field's format by its
// dictionary type and its value against the dictionary's enumeration, is
// checked here with jspurefix's reading of the same dictionary (`valueProblems`).
//
// The Logon is jspurefix's own (its session's sendLogon, its message factory,
// its encoder), with what SPEC section 5 adds: 553 the key id and 95/96 the
// signature over 35, 49, 56, 34 and 52 joined by SOH. The SendingTime it
// signs is the one the transmitter writes: the transmitter's clock is set to
// that instant for the Logon, and the time is formatted by jspurefix's own
// TimeFormatter.
import 'reflect-metadata';
import { createHmac, sign } from 'node:crypto';
import {
  AsciiSession,
  DITokens,
  ElasticBuffer,
  type FixDefinitions,
  type IJsFixConfig,
  type IJsFixLogger,
  type ISessionDescription,
  type JsFixLoggerFactory,
  type MsgView,
  SessionContainer,
  SessionState,
} from 'jspurefix';
import { TimeFormatter } from 'jspurefix/dist/buffer/ascii/time-formatter.js';
import type { Credentials } from '../../../src/client/credentials.ts';
import { Inbox } from './inbox.ts';

/** A message jspurefix's session accepted (its sequence number and, with integrity checks, its content). */
export interface Accepted {
  readonly msgType: string;
  /** The message as jspurefix's dictionary reads it (names, typed values). */
  readonly object: Record<string, unknown>;
  /** Its own copy of jspurefix's view: view.getString(tag) reads a field as sent. */
  readonly view: MsgView;
}

/** A message jspurefix wrote, SOH shown as '|'. */
export interface Sent {
  readonly msgType: string;
  readonly text: string;
}

export interface InitiatorOptions {
  /** The bridge's TCP port on 127.0.0.1. */
  port: number;
  senderCompId: string;
  targetCompId: string;
  credentials: Credentials;
  heartBtInt: number;
}

/** Logs nothing, but keeps jspurefix's warnings and errors for failure messages. */
class CollectingLogFactory {
  readonly lines: string[] = [];

  logger(type: string): IJsFixLogger {
    return {
      info: () => {},
      debug: () => {},
      warning: (message: string) => this.lines.push(`${type} warning: ${message}`),
      error: (e: Error) => this.lines.push(`${type} error: ${e.message}`),
    };
  }

  plain(): IJsFixLogger {
    return this.logger('plain');
  }
}

/** SPEC section 5: the values of 35, 49, 56, 34 and 52 joined by SOH, MAC'd or signed, base64. */
function signLogon(credentials: Credentials, values: readonly string[]): string {
  const bytes = Buffer.from(values.join('\x01'), 'latin1');
  if (credentials.type === 'hmac-sha256') {
    return createHmac('sha256', credentials.secret).update(bytes).digest('base64');
  }
  return sign(null, bytes, credentials.privateKey).toString('base64');
}

/** An UTCTimestamp exactly as jspurefix's encoder writes it. */
function jspurefixTimestamp(time: Date): string {
  const buffer = new ElasticBuffer(64);
  new TimeFormatter(buffer).writeUtcTimestamp(time);
  return buffer.toString();
}

/** QuickFIX's format check (DataDictionary.checkValidFormat) for the types our messages use. */
const FORMATS: Record<string, RegExp> = {
  INT: /^-?\d+$/,
  LENGTH: /^\d+$/,
  SEQNUM: /^\d+$/,
  NUMINGROUP: /^\d+$/,
  PRICE: /^-?(\d+\.?\d*|\.\d+)$/,
  QTY: /^-?(\d+\.?\d*|\.\d+)$/,
  AMT: /^-?(\d+\.?\d*|\.\d+)$/,
  FLOAT: /^-?(\d+\.?\d*|\.\d+)$/,
  PRICEOFFSET: /^-?(\d+\.?\d*|\.\d+)$/,
  PERCENTAGE: /^-?(\d+\.?\d*|\.\d+)$/,
  CHAR: /^.$/, // (a value never holds SOH, the delimiter)
  BOOLEAN: /^[YN]$/,
  UTCTIMESTAMP: /^\d{8}-\d{2}:\d{2}:\d{2}(\.\d{3})?$/,
};

/** Each field's format by its dictionary type, and its value against the dictionary's enumeration. */
function valueProblems(definitions: FixDefinitions, msgType: string, view: MsgView): string[] {
  const problems: string[] = [];
  const tags = view.structure?.tags;
  if (!tags) return [`35=${msgType}: no structure`];
  for (let i = 0; i < tags.nextTagPos; i++) {
    const tag = tags.tagPos[i]!.tag;
    const value = view.getString(tag) ?? ''; // (no repeating groups in what the firewall sends)
    const field = definitions.tagToSimple[tag];
    if (!field) continue; // an unknown tag is the session's integrity check's to report
    const format = FORMATS[field.type];
    if (format && !format.test(value)) problems.push(`35=${msgType}: ${tag}=${value} is not a ${field.type}`);
    if (field.isEnum()) {
      const values = field.type.startsWith('MULTIPLE') ? value.split(' ') : [value];
      for (const v of values) {
        if (!field.containsEnum(v))
          problems.push(`35=${msgType}: ${tag}=${v} is not a value of ${field.name}`);
      }
    }
  }
  return problems;
}

/** jspurefix's AsciiSession with its integrity checks on, reporting to its JspurefixInitiator. */
class InteropSession extends AsciiSession {
  constructor(
    config: IJsFixConfig,
    private readonly owner: JspurefixInitiator,
  ) {
    super(config);
    // jspurefix checks integrity on acceptors only by default; an initiator can ask for it.
    this.checkMsgIntegrity = true;
  }

  /** Its Logon, plus SPEC section 5's key id and signature over the header it is sent with. */
  override sendLogon(): void {
    const transmitter = this.transport?.transmitter as { msgSeqNum: number; time: Date | null } | undefined;
    const logon = this.config.factory?.logon();
    if (!transmitter || !logon) return;
    const description = this.config.description;
    const time = new Date();
    const sendingTime = jspurefixTimestamp(time);
    const seq = transmitter.msgSeqNum;
    const signature = signLogon(this.owner.options.credentials, [
      'A',
      description.SenderCompId,
      description.TargetCompID,
      String(seq),
      sendingTime,
    ]);
    this.owner.signedLogon = { seq, sendingTime };
    transmitter.time = time;
    this.send(
      this.requestLogonType,
      { ...logon, RawDataLength: signature.length, RawData: signature },
      () => {
        transmitter.time = null; // back to the clock for every later message
      },
    );
  }

  /** Session-level messages (Logon, Logout, Heartbeat, TestRequest, Reject) that passed its checks. */
  protected override onSessionMsg(msgType: string, view: MsgView): void {
    this.owner.accept(msgType, view, this.config.definitions);
    super.onSessionMsg(msgType, view);
  }

  protected override onApplicationMsg(msgType: string, view: MsgView): void {
    this.owner.accept(msgType, view, this.config.definitions);
  }

  protected override onReady(): void {
    this.owner.onReady();
  }

  protected override onLogon(): boolean {
    return true;
  }

  protected override onStopped(error?: Error): void {
    this.owner.onStopped(error);
  }

  protected override onDecoded(): void {}

  protected override onEncoded(msgType: string, txt: string): void {
    this.owner.sent.push({ msgType, text: txt });
  }

  /** Sends an application message through its transmitter (header, BodyLength, CheckSum its own). */
  sendApp(msgType: string, body: Record<string, unknown>): void {
    this.send(msgType, body);
  }

  /** Starts its Logout (it then waits for the firewall's). */
  logout(): void {
    this.done();
  }
}

/** One jspurefix initiator session to the firewall (through the bridge). */
export class JspurefixInitiator {
  /** Every message jspurefix's session wrote, in order. */
  readonly sent: Sent[] = [];
  /** Every message its session accepted, in order. */
  readonly accepted: Accepted[] = [];
  /** Format and enumeration faults in the accepted messages (there should be none). */
  readonly valueProblems: string[] = [];
  /** What the Logon signed: its MsgSeqNum and SendingTime. */
  signedLogon: { seq: number; sendingTime: string } | null = null;
  /** Whether the session reported itself ready (its Logon answered and accepted). */
  ready = false;
  /** How its session stopped: undefined while running, null if without an error. */
  stopError: Error | null | undefined = undefined;
  private readonly inbox = new Inbox<Accepted>();
  private readonly readyWaiters: (() => void)[] = [];
  private session: InteropSession | null = null;
  private running: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly options: InitiatorOptions,
    private readonly logs: CollectingLogFactory,
  ) {}

  /** Creates the session and connects; returns at once (see waitReady / waitStopped). */
  static async start(options: InitiatorOptions): Promise<JspurefixInitiator> {
    const logs = new CollectingLogFactory();
    const system = new SessionContainer();
    // Its globals (DefinitionFactory, logger factory, ElasticBuffer): a session takes the
    // logger factory registered when it is made, so each session gets its own.
    system.registerGlobal(logs as unknown as JsFixLoggerFactory);
    const description = {
      application: {
        name: options.senderCompId,
        type: 'initiator',
        protocol: 'ascii',
        dictionary: 'qf44',
        reconnectSeconds: 0,
        resilient: false,
        connectTimeoutSeconds: 5,
        tcp: { host: '127.0.0.1', port: options.port },
      },
      BeginString: 'FIX.4.4',
      SenderCompId: options.senderCompId,
      TargetCompID: options.targetCompId,
      Username: options.credentials.keyId,
      Password: '',
      EncryptMethod: 0,
      ResetSeqNumFlag: true,
      HeartBtInt: options.heartBtInt,
    } as unknown as ISessionDescription;
    const container = await system.makeSystem(description);
    const initiator = new JspurefixInitiator(options, logs);
    container.register(DITokens.FixSession, {
      useFactory: (c) => {
        initiator.session = new InteropSession(c.resolve<IJsFixConfig>(DITokens.IJsFixConfig), initiator);
        return initiator.session;
      },
    });
    const entity = container.resolve<{ start(): Promise<unknown> }>(DITokens.FixEntity);
    // Resolves when the session ends; rejects when it ends with an error (kept in stopError).
    initiator.running = entity.start().catch(() => {});
    return initiator;
  }

  /** jspurefix's warnings and errors so far (for failure messages). */
  get log(): string {
    return this.logs.lines.join('\n');
  }

  /** Its session's state, as jspurefix names it. */
  get state(): string {
    return this.session ? SessionState[this.session.getState()]! : 'none';
  }

  /** Whether its session is logged on (the Logon answered, not logging out or stopped). */
  get loggedOn(): boolean {
    const state = this.session?.getState();
    return state === SessionState.InitiationLogonReceived || state === SessionState.ActiveNormalSession;
  }

  accept(msgType: string, view: MsgView, definitions: FixDefinitions): void {
    // The view is over jspurefix's receive buffer, reused for the next message: keep a copy.
    const copy = view.clone();
    this.valueProblems.push(...valueProblems(definitions, msgType, copy));
    const item: Accepted = {
      msgType,
      object: (copy.toObject() ?? {}) as Record<string, unknown>,
      view: copy,
    };
    this.accepted.push(item);
    this.inbox.push(item);
  }

  onReady(): void {
    this.ready = true;
    for (const waiter of this.readyWaiters.splice(0)) waiter();
  }

  onStopped(error?: Error): void {
    this.stopError = error ?? null;
    for (const waiter of this.readyWaiters.splice(0)) waiter();
  }

  /** Resolves once its session is logged on; rejects if it stopped first. */
  waitReady(timeoutMs = 5000): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not logged on within ${timeoutMs} ms (state ${this.state})\n${this.log}`)),
        timeoutMs,
      );
      timer.unref();
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        if (this.ready) resolve();
        else reject(new Error(`stopped before logging on: ${this.stopError?.message}\n${this.log}`));
      });
    });
  }

  /** The next accepted message of that MsgType (and matching `match`), kept or still to come. */
  next(msgType: string, match: (m: Accepted) => boolean = () => true, timeoutMs = 5000): Promise<Accepted> {
    return this.inbox.wait(
      (m) => m.msgType === msgType && match(m),
      timeoutMs,
      () =>
        `35=${msgType} (state ${this.state}; accepted ${this.accepted.map((m) => m.msgType).join(',')})\n${this.log}`,
    );
  }

  /** Sends an application message (jspurefix fills the header and trailer). */
  send(msgType: string, body: Record<string, unknown>): void {
    if (!this.session) throw new Error('no session');
    this.session.sendApp(msgType, body);
  }

  /** Starts a Logout from this side. */
  logout(): void {
    this.session?.logout();
  }

  /** Resolves when the session has ended (whichever side ended it). */
  async waitStopped(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`session still ${this.state} after ${timeoutMs} ms`)),
          timeoutMs,
        );
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Stops the session at once if it is still running (for cleanup). */
  async stop(): Promise<void> {
    if (this.session && this.stopError === undefined) this.session.requestStop('test cleanup');
    await this.running;
  }

  /** Messages it wrote of these types (e.g. Reject '3', ResendRequest '2': its objections). */
  sentOfType(...msgTypes: string[]): Sent[] {
    return this.sent.filter((m) => msgTypes.includes(m.msgType));
  }

  /** The MsgSeqNum of the last message it wrote. */
  get lastSentSeqNum(): number {
    const last = this.sent.at(-1);
    return last ? Number(/\|34=(\d+)\|/.exec(last.text)?.[1]) : 0;
  }
}
