/**
 * Herald's browser client: speaks the `herald.v1` WebSocket flavour (docs/protocol.md), logs in with a user ID or a
 * token, refreshes the token before it expires, subscribes to topics, reconnects with exponential backoff and full
 * jitter, and resumes every stream from the last message it handed over, so that nothing is lost or repeated.
 * No dependencies: the browser's WebSocket (or Node's, or one passed in the options).
 */
/** The subprotocol this client speaks. */
export const SUBPROTOCOL = "herald.v1";
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
    constructor(options) {
        this._handlers = {};
        this._topics = new Set();
        this._positions = new Map();
        // Streams a first-ever login asked for from the start ({"seq":0}, startPosition "retained"): what the server no
        // longer keeps of them was never this page's to lose, so a gap there is not an alarm.
        this._fresh = new Set();
        this._pendingSubscribes = [];
        this._state = "idle";
        this._socket = null;
        this._loggedIn = false;
        this._failures = 0;
        this._failuresBeforeLogin = 0;
        this._tokenRefused = false;
        this._givenTokenUsed = false;
        this._lastFrame = 0;
        this._frames = 0;
        this._expiresAt = null;
        this._whenOpen = [];
        this._onWake = () => this.wake();
        this._onVisibility = () => {
            if (typeof document === "undefined" || document.visibilityState === "visible") {
                this.wake();
            }
        };
        if (!options || typeof options.url !== "string" || options.url.length === 0) {
            throw new TypeError("HeraldClient: url is required");
        }
        if (options.uid === undefined && options.token === undefined && options.getToken === undefined) {
            throw new TypeError("HeraldClient: give uid, token or getToken");
        }
        const ctor = options.WebSocket ?? globalThis.WebSocket;
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
    get state() {
        return this._state;
    }
    /** The user: the option, or the one the server named at login (undefined until then with a token alone). */
    get uid() {
        return this._uid;
    }
    /** The topics the client is on, or will be on once connected. */
    get topics() {
        return [...this._topics];
    }
    /** When the credential expires (ISO 8601), as the server last said; null when it does not. */
    get expiresAt() {
        return this._expiresAt;
    }
    /** The last position of each stream, as sent in the next resume. */
    get positions() {
        return this._positions;
    }
    /** Adds a handler; returns a function that removes it. */
    on(event, handler) {
        let set = this._handlers[event];
        if (!set) {
            set = new Set();
            this._handlers[event] = set;
        }
        set.add(handler);
        return () => this.off(event, handler);
    }
    /** Removes a handler. */
    off(event, handler) {
        this._handlers[event]?.delete(handler);
    }
    /** Starts connecting if it has not (with `autoConnect: false`). Resolves once logged in; rejects if it closes first. */
    connect() {
        const opened = this.whenOpen();
        this.start();
        return opened;
    }
    /** Resolves when the client is logged in (at once if it is); rejects if it closes for good first. */
    whenOpen() {
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
    subscribe(topic) {
        checkTopic(topic);
        if (this._topics.has(topic)) {
            return Promise.resolve();
        }
        this._topics.add(topic);
        if (!this._loggedIn) {
            return Promise.resolve();
        }
        return new Promise((resolve, reject) => this.sendSubscribe(topic, (error) => (error ? reject(Object.assign(new Error(error.message), error)) : resolve())));
    }
    /** Leaves the topic for good and forgets its position. */
    unsubscribe(topic) {
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
    close() {
        this.finish({ code: 1000, reason: "" });
    }
    start() {
        if (this._state === "idle") {
            this.addWakeListeners();
            this.attempt();
        }
    }
    attempt() {
        this._reconnectTimer = undefined;
        this.setState("connecting", { attempt: this._failures + 1 });
        void this.openSocket();
    }
    async openSocket() {
        let token = this._token;
        const getToken = this._options.getToken;
        // A token given in the options serves the first attempt; every later one asks for a fresh token.
        const given = token !== undefined && !this._givenTokenUsed;
        this._givenTokenUsed = true;
        if (getToken && !given) {
            try {
                token = await getToken();
            }
            catch (error) {
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
        let socket;
        try {
            socket = new this._WebSocket(this._url, [SUBPROTOCOL]);
        }
        catch (error) {
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
    loginResume() {
        if (this._uid === undefined) {
            return undefined;
        }
        const resume = {};
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
    receive(socket, data) {
        if (this._socket !== socket) {
            return;
        }
        this._lastFrame = Date.now();
        this._frames += 1;
        let envelope;
        try {
            envelope = JSON.parse(String(data));
        }
        catch (error) {
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
    onWelcome(envelope) {
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
    onJoined(envelope) {
        const stream = String(envelope.stream);
        const epoch = typeof envelope.epoch === "string" ? envelope.epoch : null;
        const seq = Number(envelope.seq);
        const replayed = typeof envelope.replayed === "number" ? envelope.replayed : 0;
        const fresh = this._fresh.delete(stream);
        let outcome = "live";
        if (envelope.recovered === true) {
            outcome = "recovered";
        }
        else if (envelope.recovered === false && !fresh) {
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
                this._pendingSubscribes.splice(index, 1)[0].settle();
            }
        }
        const reason = typeof envelope.reason === "string" ? envelope.reason : undefined;
        this.emit("joined", reason === undefined ? { stream, epoch, seq, outcome, replayed } : { stream, epoch, seq, outcome, reason, replayed });
        if (outcome === "not_recovered") {
            this.emit("missed", { stream, reason: reason ?? "unknown" });
        }
    }
    onMessage(envelope) {
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
        const message = {
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
    onLeft(stream) {
        const topic = stream.startsWith("topic:") ? stream.slice(6) : undefined;
        if (topic !== undefined && this._topics.delete(topic)) {
            // A left the client did not ask for: a refreshed token no longer grants the topic.
            this._positions.delete(stream);
            this.save();
            this.emit("error", { code: "topic_not_allowed", message: `the token no longer grants ${topic}`, topic });
        }
        this.emit("left", { stream });
    }
    onError(envelope) {
        const code = String(envelope.code);
        const message = String(envelope.message);
        const command = typeof envelope.command === "string" ? envelope.command : undefined;
        if (command === "subscribe" && this._pendingSubscribes.length > 0) {
            // The server answers one command after another, so a refused subscribe is the oldest one unanswered.
            const pending = this._pendingSubscribes.shift();
            this._topics.delete(pending.topic);
            pending.settle({ code, message, command, topic: pending.topic });
            return;
        }
        this.emit("error", command === undefined ? { code, message } : { code, message, command });
    }
    async refresh(socket) {
        const getToken = this._options.getToken;
        if (!getToken) {
            return;
        }
        let token;
        try {
            token = await getToken();
        }
        catch (error) {
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
    sendSubscribe(topic, settle) {
        const position = this._positions.get(`topic:${topic}`);
        this._pendingSubscribes.push({ topic, settle });
        this.send(position ? { type: "subscribe", topic, resume: wirePosition(position) } : { type: "subscribe", topic });
    }
    send(command) {
        const socket = this._socket;
        if (socket && socket.readyState === open) {
            socket.send(JSON.stringify(command));
        }
    }
    // One timer for the connection's liveness: it wakes at the interval, pings after a silence, and drops the socket
    // when nothing at all came within the timeout of the ping (a sleeping laptop's socket can look open for minutes).
    // Frames are counted rather than timed, so that a frame in the same millisecond as the ping is not its answer.
    armKeepAlive(delay = this.keepAliveInterval()) {
        clearTimeout(this._aliveTimer);
        if (delay > 0) {
            this._aliveTimer = setTimeout(() => this.checkAlive(), delay);
        }
    }
    checkAlive() {
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
    ping() {
        this._framesAtPing = this._frames;
        this.send({ type: "ping" });
        this.armKeepAlive(this._options.keepAlive?.timeout ?? 10000);
    }
    keepAliveInterval() {
        return this._options.keepAlive?.interval ?? 15000;
    }
    // Online again, or a tab that woke: a waiting reconnect goes now, an open socket proves it is alive with a ping.
    wake() {
        if (this._state === "reconnecting") {
            clearTimeout(this._reconnectTimer);
            this.attempt();
        }
        else if (this._state === "open" && this._framesAtPing === undefined) {
            this.ping();
        }
    }
    protocolError(socket, message, cause) {
        this.emit("error", { code: "protocol_error", message, cause });
        this.drop(socket, { error: cause });
    }
    // Gives up on a socket without waiting for its close handshake (a dead one never answers): 1006, as a browser says.
    drop(socket, detail) {
        if (this._socket !== socket) {
            return;
        }
        this.detach(socket);
        this.lost({ code: 1006, reason: "", ...detail });
    }
    closed(code, reason) {
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
    detach(socket) {
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
            }
            catch {
                // Already closing: nothing more to do with it.
            }
        }
    }
    lost(detail) {
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
    finish(detail) {
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
    setState(state, detail) {
        const previous = this._state;
        this._state = state;
        this.emit("state", { state, previous, ...detail });
    }
    emit(event, value) {
        const handlers = this._handlers[event];
        for (const handler of handlers ?? []) {
            try {
                handler(value);
            }
            catch (error) {
                // One handler's bug must not stop the others, nor the client: report it where the page sees its errors
                // (window.onerror, the console), as the browser does for an event listener that throws.
                const report = globalThis.reportError;
                if (report) {
                    report(error);
                }
                else {
                    console.error(error);
                }
            }
        }
    }
    addWakeListeners() {
        if (typeof window !== "undefined" && typeof window.addEventListener === "function") {
            window.addEventListener("online", this._onWake);
            window.addEventListener("offline", this._onWake);
        }
        if (typeof document !== "undefined" && typeof document.addEventListener === "function") {
            document.addEventListener("visibilitychange", this._onVisibility);
        }
    }
    removeWakeListeners() {
        if (typeof window !== "undefined" && typeof window.removeEventListener === "function") {
            window.removeEventListener("online", this._onWake);
            window.removeEventListener("offline", this._onWake);
        }
        if (typeof document !== "undefined" && typeof document.removeEventListener === "function") {
            document.removeEventListener("visibilitychange", this._onVisibility);
        }
    }
    storageKey() {
        return this._uid === undefined ? undefined : `herald:${this._url}:${this._uid}`;
    }
    load() {
        const key = this.storageKey();
        this._positions = new Map();
        if (!this._storage || key === undefined) {
            return;
        }
        try {
            const stored = JSON.parse(this._storage.getItem(key) ?? "{}");
            for (const [stream, position] of Object.entries(stored)) {
                if (typeof position?.seq === "number" && (position.epoch === null || typeof position.epoch === "string")) {
                    this._positions.set(stream, { epoch: position.epoch, seq: position.seq });
                }
            }
        }
        catch {
            // A corrupt or unreadable entry: start as a first-ever login rather than fail.
        }
    }
    save() {
        const key = this.storageKey();
        if (!this._storage || key === undefined) {
            return;
        }
        try {
            this._storage.setItem(key, JSON.stringify(Object.fromEntries(this._positions)));
        }
        catch {
            // Storage full or denied (private mode): positions then last as long as the page.
        }
    }
}
function checkTopic(topic) {
    if (typeof topic !== "string" || !topicPattern.test(topic)) {
        throw new TypeError(`HeraldClient: a topic is 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was '${String(topic)}')`);
    }
    return topic;
}
function wirePosition(position) {
    return position.epoch === null ? { seq: position.seq } : { epoch: position.epoch, seq: position.seq };
}
function webSocketUrl(url) {
    const base = typeof location === "undefined" ? undefined : location.href;
    const parsed = new URL(url, base);
    if (parsed.protocol === "http:") {
        parsed.protocol = "ws:";
    }
    else if (parsed.protocol === "https:") {
        parsed.protocol = "wss:";
    }
    return parsed.toString();
}
// The user a token names, read without checking it (the server checks it): only to find the stored positions and
// name the user stream in the first login's resume. A token that cannot be read just means no resume on that login.
function tokenSubject(token) {
    try {
        const payload = token.split(".")[1] ?? "";
        const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
        const utf8 = new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)));
        const sub = JSON.parse(utf8).sub;
        return typeof sub === "string" ? sub : undefined;
    }
    catch {
        return undefined;
    }
}
function defaultStorage() {
    try {
        return typeof sessionStorage === "undefined" ? null : sessionStorage;
    }
    catch {
        // Reading sessionStorage throws where storage is denied (sandboxed frames, some private modes).
        return null;
    }
}
