// Shared pieces of the suite: the servers JsClientTests starts (their URLs come in the environment), their HTTP API,
// a TCP proxy that breaks connections as a network would, token minting, and waits that always have a deadline.
import { createHmac, randomUUID } from "node:crypto";
import net from "node:net";
import { HeraldClient } from "../dist/herald-client.js";

const deadline = 10000;

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run this suite through dotnet test (tests/Herald.Tests/Clients/JsClientTests), which starts the servers`);
  }
  return new URL(value);
}

export const openServer = () => required("HERALD_URL");
export const tokenServer = () => required("HERALD_TOKEN_URL");

export const uniqueUser = () => `js-${randomUUID().slice(0, 8)}`;

export async function send(server, uid, message) {
  const response = await fetch(new URL(`/send?uid=${encodeURIComponent(uid)}&message=${encodeURIComponent(message)}`, server));
  if (!response.ok) {
    throw new Error(`/send answered ${response.status}`);
  }
  return (await response.json()).delivered;
}

export async function publish(server, body) {
  const response = await fetch(new URL("/api/v1/publish", server), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`/api/v1/publish answered ${response.status}: ${await response.text()}`);
  }
  return response.json();
}

export async function disconnect(server, uid) {
  const response = await fetch(new URL(`/api/v1/users/${encodeURIComponent(uid)}/disconnect`, server), { method: "POST" });
  return (await response.json()).disconnected;
}

/** An HS256 token for `sub`, expiring `seconds` from now, signed with the token server's secret. */
export function mintToken(sub, seconds, claims = {}) {
  const secret = Buffer.from(process.env.HERALD_TOKEN_SECRET ?? "", "base64");
  if (secret.length === 0) {
    throw new Error("HERALD_TOKEN_SECRET is not set: run this suite through dotnet test (tests/Herald.Tests/Clients/JsClientTests)");
  }
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const payload = { sub, exp: Math.floor(Date.now() / 1000) + seconds, ...claims };
  const input = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** A session-storage stand-in, as a page has across reloads. */
export class MemoryStorage {
  #items = new Map();
  getItem(key) {
    return this.#items.has(key) ? this.#items.get(key) : null;
  }
  setItem(key, value) {
    this.#items.set(key, String(value));
  }
  removeItem(key) {
    this.#items.delete(key);
  }
}

/**
 * A TCP proxy on 127.0.0.1:0 in front of a server: `cut()` destroys every connection (no Close frame: the client
 * sees 1006), `refuse(true)` stops listening (new connections are refused, as by a server that is down) and
 * `refuse(false)` listens again on the same port, `silence()` swallows every byte while keeping the connections
 * open (a socket that died without telling anyone).
 */
export class Proxy {
  #server;
  #port = 0;
  #sockets = new Set();
  #silent = false;

  static async start(target) {
    const proxy = new Proxy();
    proxy.#server = net.createServer((client) => proxy.#accept(client, target));
    await proxy.#listen();
    proxy.#port = proxy.#server.address().port;
    return proxy;
  }

  get url() {
    return `ws://127.0.0.1:${this.#port}/ws`;
  }

  #listen() {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#port, "127.0.0.1", () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
  }

  #accept(client, target) {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]]) {
      this.#sockets.add(from);
      from.on("data", (chunk) => {
        if (!this.#silent) {
          to.write(chunk);
        }
      });
      from.on("error", () => to.destroy());
      from.on("close", () => {
        this.#sockets.delete(from);
        to.destroy();
      });
    }
  }

  cut() {
    for (const socket of this.#sockets) {
      socket.destroy();
    }
  }

  async refuse(refusing) {
    if (refusing) {
      // Stops accepting at once; the callback would wait for the open connections, which cut() ends.
      this.#server.close();
    } else {
      await this.#listen();
    }
  }

  silence() {
    this.#silent = true;
  }

  async stop() {
    this.cut();
    if (this.#server.listening) {
      await new Promise((resolve) => this.#server.close(resolve));
    }
  }
}

/** A client with short waits, so the suite's reconnects are quick; closed by `closeAll` after each test. */
const clients = new Set();
export function client(options) {
  const made = new HeraldClient({ reconnect: { initialDelay: 50, maxDelay: 200 }, storage: null, ...options });
  clients.add(made);
  return made;
}

export function closeAll() {
  for (const made of clients) {
    made.close();
  }
  clients.clear();
}

/** Resolves with the first `event` that `predicate` accepts; rejects after the deadline, naming what it waited for. */
export function next(source, event, predicate = () => true, what = event) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within ${deadline} ms`));
    }, deadline);
    const off = source.on(event, (value) => {
      if (predicate(value)) {
        clearTimeout(timer);
        off();
        resolve(value);
      }
    });
  });
}

/** Collects every message, for asserting exactly what arrived. */
export function recorder(source) {
  const messages = [];
  source.on("message", (message) => messages.push(message));
  return {
    messages,
    /** Resolves once `count` messages have arrived, or rejects after the deadline. */
    async count(count) {
      while (messages.length < count) {
        await next(source, "message", () => true, `message ${count} (have ${messages.length})`);
      }
      return messages;
    },
  };
}
