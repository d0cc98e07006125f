/**
 * Herald's browser client: speaks the `herald.v1` WebSocket flavour (docs/protocol.md), logs in with a user ID or a
 * token, refreshes the token before it expires, subscribes to topics, reconnects with exponential backoff and full
 * jitter, and resumes every stream from the last message it handed over, so that nothing is lost or repeated.
 * No dependencies: the browser's WebSocket (or Node's, or one passed in the options).
 */

/** The subprotocol this client speaks. */
export const SUBPROTOCOL = "herald.v1";

/** Where the client stands: `idle` until it starts, `closed` for good. */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** A stream's position: the `epoch` and `seq` of the last message seen on it. */
export interface StreamPosition {
  readonly epoch: string | null;
  readonly seq: number;
}

/** A message of a stream, handed over once and in `seq` order per stream. */
export interface HeraldMessage {
  /** `user:<uid>`, `topic:<name>` or `broadcast`. */
  readonly stream: string;
  readonly epoch: string;
  readonly seq: number;
  /** Unique, the same in every stream the message was published to. */
  readonly id: string;
  /** When Herald accepted it, ISO 8601 UTC. */
  readonly time: string;
  /** What was published: any JSON value (a `/send` text is a string). */
  readonly data: unknown;
  /** Its conflation key, if it has one. */
  readonly key?: string;
}

/**
 * What going on a stream gave: `live` (nothing to resume), `recovered` (every message since the last one was
 * replayed) or `not_recovered` (messages were lost for good: reload the state they would have changed).
 */
export interface HeraldJoined {
  readonly stream: string;
  readonly epoch: string | null;
  readonly seq: number;
  readonly outcome: "live" | "recovered" | "not_recovered";
  /** For `not_recovered`: `window_exceeded` or `epoch_changed`. */
  readonly reason?: string;
  /** How many messages the server replays after this event. */
  readonly replayed: number;
}

/** A stream that could not be resumed without a gap. */
export interface HeraldMissed {
  readonly stream: string;
  /** `window_exceeded` (the messages left the server's history) or `epoch_changed` (the history started over). */
  readonly reason: string;
}

/** A change of the connection's state. */
export interface HeraldStateChange {
  readonly state: ConnectionState;
  readonly previous: ConnectionState;
  /** The attempt being made or waited for (1, 2, ... since the last login). */
  readonly attempt: number;
  /** For `reconnecting`: milliseconds until the next attempt. */
  readonly delay?: number;
  /** The close code of the lost connection (1006 when it ended without a Close frame). */
  readonly code?: number;
  readonly reason?: string;
  /** Why the attempt failed or the client closed, when it was not a close code alone. */
  readonly error?: unknown;
}

/**
 * A problem the application should know about: a command the server refused (`code` is the server's, such as
 * `topic_not_allowed`), a token refresh that failed (`refresh_failed`), an envelope that is not `herald.v1`
 * (`protocol_error`) or a token callback that threw (`token_unavailable`).
 */
export interface HeraldError {
  readonly code: string;
  readonly message: string;
  /** The refused command, when the server named it. */
  readonly command?: string;
  /** The topic a refused or withdrawn subscription was for; the client has forgotten it. */
  readonly topic?: string;
  readonly cause?: unknown;
}

/** The events and what their handlers get. */
export interface HeraldEvents {
  message: HeraldMessage;
  joined: HeraldJoined;
  missed: HeraldMissed;
  state: HeraldStateChange;
  error: HeraldError;
  left: { readonly stream: string };
  /** The server took a refreshed token; `expiresAt` is its expiry (null when it has none). */
  refreshed: { readonly expiresAt: string | null };
}

/** The part of the WebSocket API the client uses: the browser's, Node's global one, or any compatible one. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

/** Where positions are kept across reloads: `sessionStorage` by default. */
export interface PositionStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The wait before each attempt: uniformly random between 0 and `min(maxDelay, initialDelay × multiplier^(n-1))`. */
export interface ReconnectOptions {
  /** Ceiling of the first wait, in ms (default 500). */
  readonly initialDelay?: number;
  /** The ceiling no wait goes above, in ms (default 30000). */
  readonly maxDelay?: number;
  /** Growth of the ceiling per failed attempt (default 2). */
  readonly multiplier?: number;
  /** Failed attempts in a row before the client closes for good (default: none, forever). */
  readonly maxAttempts?: number;
}

/** Options of {@link HeraldClient}. */
export interface HeraldClientOptions {
  /** Herald's WebSocket endpoint, `ws(s)://host/ws`; `http(s)://` and a path relative to the page are accepted too. */
  readonly url: string;
  /** The user to log in as, where the server allows it without a token (and beside a token: it must be its user). */
  readonly uid?: string;
  /** A token to log in with. */
  readonly token?: string;
  /** Gives a fresh token: on each connection attempt, and when the server says the current one expires soon. */
  readonly getToken?: () => string | Promise<string>;
  /** Topics subscribed from the first connection on. */
  readonly topics?: readonly string[];
  /** The user stream on a first-ever login (no stored position): `live` (default) or `retained` (all the server keeps). */
  readonly startPosition?: "live" | "retained";
  readonly reconnect?: ReconnectOptions;
  /** After `interval` ms without a frame from the server, a `ping`; no frame within `timeout` ms: reconnect. 0 turns pings off. */
  readonly keepAlive?: { readonly interval?: number; readonly timeout?: number };
  /** Milliseconds for one attempt to open the socket and be logged in (default 10000). */
  readonly connectTimeout?: number;
  /** Where positions survive a reload; `null` for nowhere. Default: `sessionStorage` when there is one. */
  readonly storage?: PositionStorage | null;
  /** The WebSocket to use; default the global one. */
  readonly WebSocket?: WebSocketConstructor;
  /** Start connecting at once (default true); otherwise on {@link HeraldClient.connect}. */
  readonly autoConnect?: boolean;
}

type Handler<T> = (event: T) => void;
type Envelope = { readonly type?: unknown; readonly [field: string]: unknown };

const topicPattern = /^[A-Za-z0-9._\-:/]{1,128}$/;
const open = 1;

// Close codes after which the same login would fail the same way (docs/protocol.md, "Close codes"): a refused or
// invalid login, a client that broke the protocol, and 4004, where the backend decided and reconnecting would undo it.
const finalCodes = new Set([1002, 1007, 1009, 4000, 4002, 4004, 4012]);
// Codes a login gets rather than a logged-in connection: they count as failed attempts, so the waits grow.
const tokenRefusedCodes = new Set([4010, 4011]);
// Cut for flooding: the next login sends the same burst, so this one does not reset the backoff either.
const tooManyMessages = 4006;

/**
 * A `herald.v1` client for one user: `new HeraldClient({ url, uid })`, then `on('message', ...)`.
 * It connects in a microtask after construction, so handlers attached right away see every event.
 */
export class HeraldClient {
  private readonly _options: HeraldClientOptions;
  private readonly _url: string;
  private readonly _WebSocket: WebSocketConstructor;
  private readonly _storage: PositionStorage | null;
  private readonly _handlers: { [K in keyof HeraldEvents]?: Set<Handler<HeraldEvents[K]>> } = {};
  private readonly _topics = new Set<string>();
  private _positions = new Map<string, StreamPosition>();
  // Streams a first-ever login asked for from the start ({"seq":0}, startPosition "retained"): what the server no
  // longer keeps of them was never this page's to lose, so a gap there is not an alarm.
  private readonly _fresh = new Set<string>();
  private readonly _pendingSubscribes: Array<{ topic: string; settle: (error?: HeraldError) => void }> = [];
  private _uid: string | undefined;
  private _token: string | undefined;
  private _state: ConnectionState = "idle";
  private _socket: WebSocketLike | null = null;
  private _loggedIn = false;
  private _failures = 0;
  private _failuresBeforeLogin = 0;
  private _tokenRefused = false;
  private _givenTokenUsed = false;
  private _reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private _connectTimer: ReturnType<typeof setTimeout> | undefined;
  private _aliveTimer: ReturnType<typeof setTimeout> | undefined;
  private _lastFrame = 0;
  private _frames = 0;
  private _framesAtPing: number | undefined;
  private _expiresAt: string | null = null;
  private _whenOpen: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private readonly _onWake = (): void => this.wake();
  private readonly _onVisibility = (): void => {
    if (typeof document === "undefined" || document.visibilityState === "visible") {
      this.wake();
    }
  };

  constructor(options: HeraldClientOptions) {
    if (!options || typeof options.url !== "string" || options.url.length === 0) {
      throw new TypeError("HeraldClient: url is required");
    }
    if (options.uid === undefined && options.token === undefined && options.getToken === undefined) {
      throw new TypeError("HeraldClient: give uid, token or getToken");
    }
    const ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!ctor) {
      throw new TypeError("HeraldClient: no WebSocket here; pass one as the WebSocket option (Node 20: --experimental-websocket)");
    }
    for (const topic of options.topics ?? []) {
      this._topics.add(checkTopic(topic));
    }
    this._options = options;
    this._WebSocket = ctor;
    this._url = webSocketUrl(options.url);
    this._storage = options.storage === undefined ? defaultStorage() : options.storage;
    this._token = options.token;
    this._uid = options.uid ?? (options.token === undefined ? undefined : tokenSubject(options.token));
    this.load();
    if (options.autoConnect ?? true) {
      queueMicrotask(() => this.start());
    }
  }

  /** Where the connection stands. */
  get state(): ConnectionState {
    return this._state;
  }

  /** The user: the option, or the one the server named at login (undefined until then with a token alone). */
  get uid(): string | undefined {
    return this._uid;
  }

  /** The topics the client is on, or will be on once connected. */
  get topics(): string[] {
    return [...this._topics];
  }

  /** When the credential expires (ISO 8601), as the server last said; null when it does not. */
  get expiresAt(): string | null {
    return this._expiresAt;
  }

  /** The last position of each stream, as sent in the next resume. */
  get positions(): ReadonlyMap<string, StreamPosition> {
    return this._positions;
  }

  /** Adds a handler; returns a function that removes it. */
  on<K extends keyof HeraldEvents>(event: K, handler: Handler<HeraldEvents[K]>): () => void {
    let set = this._handlers[event] as Set<Handler<HeraldEvents[K]>> | undefined;
    if (!set) {
      set = new Set();
      (this._handlers as Record<string, unknown>)[event] = set;
    }
    set.add(handler);
    return () => this.off(event, handler);
  }

  /** Removes a handler. */
  off<K extends keyof HeraldEvents>(event: K, handler: Handler<HeraldEvents[K]>): void {
    (this._handlers[event] as Set<Handler<HeraldEvents[K]>> | undefined)?.delete(handler);
  }

  /** Starts connecting if it has not (with `autoConnect: false`). Resolves once logged in; rejects if it closes first. */
  connect(): Promise<void> {
    const opened = this.whenOpen();
    this.start();
    return opened;
  }

  /** Resolves when the client is logged in (at once if it is); rejects if it closes for good first. */
  whenOpen(): Promise<void> {
    if (this._state === "open") {
      return Promise.resolve();
    }
    if (this._state === "closed") {
      return Promise.reject(new Error("HeraldClient is closed"));
    }
    return new Promise((resolve, reject) => this._whenOpen.push({ resolve, reject }));
  }

  /**
   * Subscribes to `topic:<topic>`, now and after every reconnect. Resolves when the server confirmed it, or at once
   * when not connected (it is subscribed at the next login); when refused, rejects with an `Error` that carries the
   * {@link HeraldError} fields (`code`, `topic`) and forgets the topic.
   */
  subscribe(topic: string): Promise<void> {
    checkTopic(topic);
    if (this._topics.has(topic)) {
      return Promise.resolve();
    }
    this._topics.add(topic);
    if (!this._loggedIn) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) =>
      this.sendSubscribe(topic, (error) => (error ? reject(Object.assign(new Error(error.message), error)) : resolve())),
    );
  }

  /** Leaves the topic for good and forgets its position. */
  unsubscribe(topic: string): void {
    if (!this._topics.delete(topic)) {
      return;
    }
    this._positions.delete(`topic:${topic}`);
    this.save();
    if (this._loggedIn) {
      this.send({ type: "unsubscribe", topic });
    }
  }

  /** Closes for good: Close 1000, no more reconnects. */
  close(): void {
    this.finish({ code: 1000, reason: "" });
  }

  private start(): void {
    if (this._state === "idle") {
      this.addWakeListeners();
      this.attempt();
    }
  }

  private attempt(): void {
    this._reconnectTimer = undefined;
    this.setState("connecting", { attempt: this._failures + 1 });
    void this.openSocket();
  }

  private async openSocket(): Promise<void> {
    let token = this._token;
    const getToken = this._options.getToken;
    // A token given in the options serves the first attempt; every later one asks for a fresh token.
    const given = token !== undefined && !this._givenTokenUsed;
    this._givenTokenUsed = true;
    if (getToken && !given) {
      try {
        token = await getToken();
      } catch (error) {
        this.emit("error", { code: "token_unavailable", message: "getToken failed", cause: error });
        this.lost({ error });
        return;
      }
      if (this._state !== "connecting") {
        return;
      }
      if (typeof token !== "string" || token.length === 0) {
        this.lost({ error: new Error("getToken gave no token") });
        return;
      }
      this._token = token;
      if (this._uid === undefined) {
        this._uid = tokenSubject(token);
        this.load();
      }
    }

    let socket: WebSocketLike;
    try {
      socket = new this._WebSocket(this._url, [SUBPROTOCOL]);
    } catch (error) {
      this.lost({ error });
      return;
    }
    this._socket = socket;
    this._loggedIn = false;
    this._connectTimer = setTimeout(() => this.drop(socket, { error: new Error("connect timeout") }), this._options.connectTimeout ?? 10000);
    socket.onopen = () => {
      if (socket.protocol !== SUBPROTOCOL) {
        this.finish({ error: new Error(`the server does not speak ${SUBPROTOCOL}`) });
        return;
      }
      this.send({ type: "login", uid: this._options.uid, token, resume: this.loginResume() });
    };
    socket.onmessage = (event) => this.receive(socket, event.data);
    socket.onclose = (event) => {
      if (this._socket === socket) {
        this.closed(event.code, event.reason);
      }
    };
    socket.onerror = () => {
      // After the socket opened, a close event follows and decides. Before it, a browser sends one too, but Node's
      // WebSocket may not (a refused TCP connection gives an error alone): the attempt has failed either way.
      if (socket.readyState !== open) {
        this.drop(socket, { error: new Error("the WebSocket could not be opened") });
      }
    };
  }

  private loginResume(): Record<string, { epoch?: string; seq: number }> | undefined {
    if (this._uid === undefined) {
      return undefined;
    }
    const resume: Record<string, { epoch?: string; seq: number }> = {};
    const user = `user:${this._uid}`;
    for (const stream of [user, "broadcast"]) {
      const position = this._positions.get(stream);
      if (position) {
        resume[stream] = wirePosition(position);
      }
    }
    if (!this._positions.has(user) && this._options.startPosition === "retained") {
      resume[user] = { seq: 0 };
      this._fresh.add(user);
    }
    return Object.keys(resume).length > 0 ? resume : undefined;
  }

  private receive(socket: WebSocketLike, data: unknown): void {
    if (this._socket !== socket) {
      return;
    }
    this._lastFrame = Date.now();
    this._frames += 1;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(String(data)) as Envelope;
    } catch (error) {
      this.protocolError(socket, `not JSON: ${String(data).slice(0, 80)}`, error);
      return;
    }
    switch (envelope.type) {
      case "message":
        this.onMessage(envelope);
        break;
      case "joined":
        this.onJoined(envelope);
        break;
      case "welcome":
        this.onWelcome(envelope);
        break;
      case "left":
        this.onLeft(String(envelope.stream));
        break;
      case "error":
        this.onError(envelope);
        break;
      case "token_expiring":
        void this.refresh(socket);
        break;
      case "refreshed":
        this._expiresAt = typeof envelope.expires_at === "string" ? envelope.expires_at : null;
        this.emit("refreshed", { expiresAt: this._expiresAt });
        break;
      case "pong":
        break;
      default:
        // Envelope types added by later servers are not for this client.
        break;
    }
  }

  private onWelcome(envelope: Envelope): void {
    clearTimeout(this._connectTimer);
    const uid = String(envelope.uid);
    if (this._uid !== uid) {
      this._uid = uid;
      this.load();
    }
    this._expiresAt = typeof envelope.expires_at === "string" ? envelope.expires_at : null;
    this._loggedIn = true;
    this._framesAtPing = undefined;
    this._tokenRefused = false;
    this._failuresBeforeLogin = this._failures;
    this._failures = 0;
    this.setState("open", { attempt: 0 });
    for (const waiter of this._whenOpen.splice(0)) {
      waiter.resolve();
    }
    for (const topic of this._topics) {
      this.sendSubscribe(topic, (error) => {
        if (error) {
          this.emit("error", error);
        }
      });
    }
    this.armKeepAlive();
  }

  private onJoined(envelope: Envelope): void {
    const stream = String(envelope.stream);
    const epoch = typeof envelope.epoch === "string" ? envelope.epoch : null;
    const seq = Number(envelope.seq);
    const replayed = typeof envelope.replayed === "number" ? envelope.replayed : 0;
    const fresh = this._fresh.delete(stream);
    let outcome: HeraldJoined["outcome"] = "live";
    if (envelope.recovered === true) {
      outcome = "recovered";
    } else if (envelope.recovered === false && !fresh) {
      outcome = "not_recovered";
    }
    // The joined position is the stream's once the replay has been read: the replayed messages move the position,
    // so that a reload in the middle of a replay resumes from the last message actually handed over.
    if (replayed === 0) {
      this._positions.set(stream, { epoch, seq });
      this.save();
    }
    if (stream.startsWith("topic:")) {
      const index = this._pendingSubscribes.findIndex((pending) => `topic:${pending.topic}` === stream);
      if (index >= 0) {
        this._pendingSubscribes.splice(index, 1)[0]!.settle();
      }
    }
    const reason = typeof envelope.reason === "string" ? envelope.reason : undefined;
    this.emit("joined", reason === undefined ? { stream, epoch, seq, outcome, replayed } : { stream, epoch, seq, outcome, reason, replayed });
    if (outcome === "not_recovered") {
      this.emit("missed", { stream, reason: reason ?? "unknown" });
    }
  }

  private onMessage(envelope: Envelope): void {
    const stream = String(envelope.stream);
    const epoch = String(envelope.epoch);
    const seq = Number(envelope.seq);
    const last = this._positions.get(stream);
    if (last && last.epoch === epoch && seq <= last.seq) {
      return;
    }
    if (stream.startsWith("topic:") && !this._topics.has(stream.slice(6))) {
      // Already queued when the application unsubscribed: the topic is forgotten, so are its messages.
      return;
    }
    this._positions.set(stream, { epoch, seq });
    this.save();
    const message: HeraldMessage = {
      stream,
      epoch,
      seq,
      id: String(envelope.id),
      time: String(envelope.time),
      data: envelope.data,
      ...(typeof envelope.key === "string" ? { key: envelope.key } : {}),
    };
    this.emit("message", message);
  }

  private onLeft(stream: string): void {
    const topic = stream.startsWith("topic:") ? stream.slice(6) : undefined;
    if (topic !== undefined && this._topics.delete(topic)) {
      // A left the client did not ask for: a refreshed token no longer grants the topic.
      this._positions.delete(stream);
      this.save();
      this.emit("error", { code: "topic_not_allowed", message: `the token no longer grants ${topic}`, topic });
    }
    this.emit("left", { stream });
  }

  private onError(envelope: Envelope): void {
    const code = String(envelope.code);
    const message = String(envelope.message);
    const command = typeof envelope.command === "string" ? envelope.command : undefined;
    if (command === "subscribe" && this._pendingSubscribes.length > 0) {
      // The server answers one command after another, so a refused subscribe is the oldest one unanswered.
      const pending = this._pendingSubscribes.shift()!;
      this._topics.delete(pending.topic);
      pending.settle({ code, message, command, topic: pending.topic });
      return;
    }
    this.emit("error", command === undefined ? { code, message } : { code, message, command });
  }

  private async refresh(socket: WebSocketLike): Promise<void> {
    const getToken = this._options.getToken;
    if (!getToken) {
      return;
    }
    let token: string;
    try {
      token = await getToken();
    } catch (error) {
      this.emit("error", { code: "refresh_failed", message: "getToken failed; reconnecting at the expiry", cause: error });
      return;
    }
    if (this._socket !== socket || !this._loggedIn) {
      return;
    }
    if (typeof token !== "string" || token.length === 0 || token === this._token) {
      this.emit("error", { code: "refresh_failed", message: "getToken gave no newer token; reconnecting at the expiry" });
      return;
    }
    this._token = token;
    this.send({ type: "refresh", token });
  }

  private sendSubscribe(topic: string, settle: (error?: HeraldError) => void): void {
    const position = this._positions.get(`topic:${topic}`);
    this._pendingSubscribes.push({ topic, settle });
    this.send(position ? { type: "subscribe", topic, resume: wirePosition(position) } : { type: "subscribe", topic });
  }

  private send(command: Record<string, unknown>): void {
    const socket = this._socket;
    if (socket && socket.readyState === open) {
      socket.send(JSON.stringify(command));
    }
  }

  // One timer for the connection's liveness: it wakes at the interval, pings after a silence, and drops the socket
  // when nothing at all came within the timeout of the ping (a sleeping laptop's socket can look open for minutes).
  // Frames are counted rather than timed, so that a frame in the same millisecond as the ping is not its answer.
  private armKeepAlive(delay = this.keepAliveInterval()): void {
    clearTimeout(this._aliveTimer);
    if (delay > 0) {
      this._aliveTimer = setTimeout(() => this.checkAlive(), delay);
    }
  }

  private checkAlive(): void {
    const socket = this._socket;
    if (!socket || !this._loggedIn) {
      return;
    }
    if (this._framesAtPing !== undefined) {
      if (this._frames === this._framesAtPing) {
        this.drop(socket, { error: new Error("no answer to ping") });
        return;
      }
      this._framesAtPing = undefined;
    }
    const interval = this.keepAliveInterval();
    if (interval <= 0) {
      return;
    }
    const idle = Date.now() - this._lastFrame;
    if (idle >= interval) {
      this.ping();
      return;
    }
    this.armKeepAlive(interval - idle);
  }

  // A ping whose answer checkAlive expects within the timeout: any frame counts, the pong or a message before it.
  private ping(): void {
    this._framesAtPing = this._frames;
    this.send({ type: "ping" });
    this.armKeepAlive(this._options.keepAlive?.timeout ?? 10000);
  }

  private keepAliveInterval(): number {
    return this._options.keepAlive?.interval ?? 15000;
  }

  // Online again, or a tab that woke: a waiting reconnect goes now, an open socket proves it is alive with a ping.
  private wake(): void {
    if (this._state === "reconnecting") {
      clearTimeout(this._reconnectTimer);
      this.attempt();
    } else if (this._state === "open" && this._framesAtPing === undefined) {
      this.ping();
    }
  }

  private protocolError(socket: WebSocketLike, message: string, cause: unknown): void {
    this.emit("error", { code: "protocol_error", message, cause });
    this.drop(socket, { error: cause });
  }

  // Gives up on a socket without waiting for its close handshake (a dead one never answers): 1006, as a browser says.
  private drop(socket: WebSocketLike, detail: { error?: unknown }): void {
    if (this._socket !== socket) {
      return;
    }
    this.detach(socket);
    this.lost({ code: 1006, reason: "", ...detail });
  }

  private closed(code: number, reason: string): void {
    const loggedIn = this._loggedIn;
    const socket = this._socket;
    if (socket) {
      this.detach(socket);
    }
    if (finalCodes.has(code)) {
      this.finish({ code, reason });
      return;
    }
    if (!loggedIn && tokenRefusedCodes.has(code)) {
      // Refused at login: one more try with a fresh token, then the application has to act.
      if (!this._options.getToken || this._tokenRefused) {
        this.finish({ code, reason });
        return;
      }
      this._tokenRefused = true;
    }
    if (loggedIn && code === tooManyMessages) {
      this._failures = this._failuresBeforeLogin;
    }
    this.lost({ code, reason });
  }

  private detach(socket: WebSocketLike): void {
    clearTimeout(this._connectTimer);
    clearTimeout(this._aliveTimer);
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    this._socket = null;
    this._loggedIn = false;
    for (const pending of this._pendingSubscribes.splice(0)) {
      // The topic is subscribed again at the next login.
      pending.settle();
    }
    if (socket.readyState <= open) {
      try {
        socket.close(1000);
      } catch {
        // Already closing: nothing more to do with it.
      }
    }
  }

  private lost(detail: { code?: number; reason?: string; error?: unknown }): void {
    if (this._state === "closed") {
      return;
    }
    this._failures += 1;
    const policy = this._options.reconnect ?? {};
    if (policy.maxAttempts !== undefined && this._failures >= policy.maxAttempts) {
      this.finish(detail);
      return;
    }
    const ceiling = Math.min(policy.maxDelay ?? 30000, (policy.initialDelay ?? 500) * Math.pow(policy.multiplier ?? 2, this._failures - 1));
    // Full jitter: clients cut off together (a server restart) do not all come back at the same instant.
    const delay = Math.floor(Math.random() * ceiling);
    this.setState("reconnecting", { attempt: this._failures, delay, ...detail });
    this._reconnectTimer = setTimeout(() => this.attempt(), delay);
  }

  private finish(detail: { code?: number; reason?: string; error?: unknown }): void {
    if (this._state === "closed") {
      return;
    }
    clearTimeout(this._reconnectTimer);
    const socket = this._socket;
    if (socket) {
      this.detach(socket);
    }
    this.removeWakeListeners();
    this.setState("closed", { attempt: this._failures, ...detail });
    const error = detail.error ?? new Error(`HeraldClient closed (${detail.code ?? "no code"} ${detail.reason ?? ""})`.trim());
    for (const waiter of this._whenOpen.splice(0)) {
      waiter.reject(error);
    }
  }

  private setState(state: ConnectionState, detail: Omit<HeraldStateChange, "state" | "previous">): void {
    const previous = this._state;
    this._state = state;
    this.emit("state", { state, previous, ...detail });
  }

  private emit<K extends keyof HeraldEvents>(event: K, value: HeraldEvents[K]): void {
    const handlers = this._handlers[event] as Set<Handler<HeraldEvents[K]>> | undefined;
    for (const handler of handlers ?? []) {
      try {
        handler(value);
      } catch (error) {
        // One handler's bug must not stop the others, nor the client: report it where the page sees its errors
        // (window.onerror, the console), as the browser does for an event listener that throws.
        const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
        if (report) {
          report(error);
        } else {
          console.error(error);
        }
      }
    }
  }

  private addWakeListeners(): void {
    if (typeof window !== "undefined" && typeof window.addEventListener === "function") {
      window.addEventListener("online", this._onWake);
      window.addEventListener("offline", this._onWake);
    }
    if (typeof document !== "undefined" && typeof document.addEventListener === "function") {
      document.addEventListener("visibilitychange", this._onVisibility);
    }
  }

  private removeWakeListeners(): void {
    if (typeof window !== "undefined" && typeof window.removeEventListener === "function") {
      window.removeEventListener("online", this._onWake);
      window.removeEventListener("offline", this._onWake);
    }
    if (typeof document !== "undefined" && typeof document.removeEventListener === "function") {
      document.removeEventListener("visibilitychange", this._onVisibility);
    }
  }

  private storageKey(): string | undefined {
    return this._uid === undefined ? undefined : `herald:${this._url}:${this._uid}`;
  }

  private load(): void {
    const key = this.storageKey();
    this._positions = new Map();
    if (!this._storage || key === undefined) {
      return;
    }
    try {
      const stored = JSON.parse(this._storage.getItem(key) ?? "{}") as Record<string, StreamPosition>;
      for (const [stream, position] of Object.entries(stored)) {
        if (typeof position?.seq === "number" && (position.epoch === null || typeof position.epoch === "string")) {
          this._positions.set(stream, { epoch: position.epoch, seq: position.seq });
        }
      }
    } catch {
      // A corrupt or unreadable entry: start as a first-ever login rather than fail.
    }
  }

  private save(): void {
    const key = this.storageKey();
    if (!this._storage || key === undefined) {
      return;
    }
    try {
      this._storage.setItem(key, JSON.stringify(Object.fromEntries(this._positions)));
    } catch {
      // Storage full or denied (private mode): positions then last as long as the page.
    }
  }
}

function checkTopic(topic: string): string {
  if (typeof topic !== "string" || !topicPattern.test(topic)) {
    throw new TypeError(`HeraldClient: a topic is 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was '${String(topic)}')`);
  }
  return topic;
}

function wirePosition(position: StreamPosition): { epoch?: string; seq: number } {
  return position.epoch === null ? { seq: position.seq } : { epoch: position.epoch, seq: position.seq };
}

function webSocketUrl(url: string): string {
  const base = typeof location === "undefined" ? undefined : location.href;
  const parsed = new URL(url, base);
  if (parsed.protocol === "http:") {
    parsed.protocol = "ws:";
  } else if (parsed.protocol === "https:") {
    parsed.protocol = "wss:";
  }
  return parsed.toString();
}

// The user a token names, read without checking it (the server checks it): only to find the stored positions and
// name the user stream in the first login's resume. A token that cannot be read just means no resume on that login.
function tokenSubject(token: string): string | undefined {
  try {
    const payload = token.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
    const utf8 = new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)));
    const sub = (JSON.parse(utf8) as { sub?: unknown }).sub;
    return typeof sub === "string" ? sub : undefined;
  } catch {
    return undefined;
  }
}

function defaultStorage(): PositionStorage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    // Reading sessionStorage throws where storage is denied (sandboxed frames, some private modes).
    return null;
  }
}
