/**
 * Herald's browser client: speaks the `herald.v1` WebSocket flavour (docs/protocol.md), logs in with a user ID or a
 * token, refreshes the token before it expires, subscribes to topics, reconnects with exponential backoff and full
 * jitter, and resumes every stream from the last message it handed over, so that nothing is lost or repeated.
 * No dependencies: the browser's WebSocket (or Node's, or one passed in the options).
 */
/** The subprotocol this client speaks. */
export declare const SUBPROTOCOL = "herald.v1";
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
    left: {
        readonly stream: string;
    };
    /** The server took a refreshed token; `expiresAt` is its expiry (null when it has none). */
    refreshed: {
        readonly expiresAt: string | null;
    };
}
/** The part of the WebSocket API the client uses: the browser's, Node's global one, or any compatible one. */
export interface WebSocketLike {
    readonly readyState: number;
    readonly protocol: string;
    onopen: ((event: unknown) => void) | null;
    onmessage: ((event: {
        data: unknown;
    }) => void) | null;
    onclose: ((event: {
        code: number;
        reason: string;
    }) => void) | null;
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
    readonly keepAlive?: {
        readonly interval?: number;
        readonly timeout?: number;
    };
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
/**
 * A `herald.v1` client for one user: `new HeraldClient({ url, uid })`, then `on('message', ...)`.
 * It connects in a microtask after construction, so handlers attached right away see every event.
 */
export declare class HeraldClient {
    private readonly _options;
    private readonly _url;
    private readonly _WebSocket;
    private readonly _storage;
    private readonly _handlers;
    private readonly _topics;
    private _positions;
    private readonly _fresh;
    private readonly _pendingSubscribes;
    private _uid;
    private _token;
    private _state;
    private _socket;
    private _loggedIn;
    private _failures;
    private _failuresBeforeLogin;
    private _tokenRefused;
    private _givenTokenUsed;
    private _reconnectTimer;
    private _connectTimer;
    private _aliveTimer;
    private _lastFrame;
    private _frames;
    private _framesAtPing;
    private _expiresAt;
    private _whenOpen;
    private readonly _onWake;
    private readonly _onVisibility;
    constructor(options: HeraldClientOptions);
    /** Where the connection stands. */
    get state(): ConnectionState;
    /** The user: the option, or the one the server named at login (undefined until then with a token alone). */
    get uid(): string | undefined;
    /** The topics the client is on, or will be on once connected. */
    get topics(): string[];
    /** When the credential expires (ISO 8601), as the server last said; null when it does not. */
    get expiresAt(): string | null;
    /** The last position of each stream, as sent in the next resume. */
    get positions(): ReadonlyMap<string, StreamPosition>;
    /** Adds a handler; returns a function that removes it. */
    on<K extends keyof HeraldEvents>(event: K, handler: Handler<HeraldEvents[K]>): () => void;
    /** Removes a handler. */
    off<K extends keyof HeraldEvents>(event: K, handler: Handler<HeraldEvents[K]>): void;
    /** Starts connecting if it has not (with `autoConnect: false`). Resolves once logged in; rejects if it closes first. */
    connect(): Promise<void>;
    /** Resolves when the client is logged in (at once if it is); rejects if it closes for good first. */
    whenOpen(): Promise<void>;
    /**
     * Subscribes to `topic:<topic>`, now and after every reconnect. Resolves when the server confirmed it, or at once
     * when not connected (it is subscribed at the next login); when refused, rejects with an `Error` that carries the
     * {@link HeraldError} fields (`code`, `topic`) and forgets the topic.
     */
    subscribe(topic: string): Promise<void>;
    /** Leaves the topic for good and forgets its position. */
    unsubscribe(topic: string): void;
    /** Closes for good: Close 1000, no more reconnects. */
    close(): void;
    private start;
    private attempt;
    private openSocket;
    private loginResume;
    private receive;
    private onWelcome;
    private onJoined;
    private onMessage;
    private onLeft;
    private onError;
    private refresh;
    private sendSubscribe;
    private send;
    private armKeepAlive;
    private checkAlive;
    private ping;
    private keepAliveInterval;
    private wake;
    private protocolError;
    private drop;
    private closed;
    private detach;
    private lost;
    private finish;
    private setState;
    private emit;
    private addWakeListeners;
    private removeWakeListeners;
    private storageKey;
    private load;
    private save;
}
export {};
