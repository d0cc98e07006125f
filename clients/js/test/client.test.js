import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
  client, closeAll, disconnect, MemoryStorage, mintToken, next, openServer, Proxy, publish, recorder, send, tokenServer, uniqueUser,
} from "./helpers.js";

const wsUrl = (server) => new URL("/ws", server).toString().replace(/^http/, "ws");

afterEach(closeAll);

describe("login and delivery", () => {
  test("logs in with a uid and receives /send as a string on the user stream", async () => {
    const uid = uniqueUser();
    const herald = client({ url: wsUrl(openServer()), uid });
    const received = recorder(herald);
    await herald.whenOpen();

    assert.equal(await send(openServer(), uid, "Hello World"), 1);
    const [message] = await received.count(1);

    assert.equal(herald.state, "open");
    assert.equal(message.stream, `user:${uid}`);
    assert.equal(message.data, "Hello World");
    assert.equal(message.seq, 1);
    assert.match(message.id, /^[0-9a-f]{32}$/);
  });

  test("accepts the server's http:// address and receives JSON published with /api/v1/publish", async () => {
    const uid = uniqueUser();
    const herald = client({ url: new URL("/ws", openServer()).toString().replace("ws:", "http:"), uid });
    const received = recorder(herald);
    await herald.whenOpen();

    await publish(openServer(), { users: [uid], data: { progress: 40 }, key: "job-7" });
    const [message] = await received.count(1);

    assert.deepEqual(message.data, { progress: 40 });
    assert.equal(message.key, "job-7");
  });

  test("subscribes to topics from the options and at runtime, and leaves them", async () => {
    const uid = uniqueUser();
    const first = `orders-${uid}`;
    const second = `news-${uid}`;
    const herald = client({ url: wsUrl(openServer()), uid, topics: [first] });
    const received = recorder(herald);
    const joined = next(herald, "joined", (event) => event.stream === `topic:${first}`);
    await herald.whenOpen();
    assert.equal((await joined).outcome, "live");

    await herald.subscribe(second);
    await publish(openServer(), { topics: [first, second], data: "both" });
    await received.count(2);
    assert.deepEqual(received.messages.map((message) => message.stream).sort(), [`topic:${second}`, `topic:${first}`].sort());

    const left = next(herald, "left", (event) => event.stream === `topic:${second}`);
    herald.unsubscribe(second);
    await left;
    assert.deepEqual(herald.topics, [first]);
  });

  test("rejects a refused subscribe and forgets the topic", async () => {
    const uid = uniqueUser();
    const herald = client({ url: wsUrl(tokenServer()), getToken: () => mintToken(uid, 600, { topics: ["granted"] }) });
    await herald.whenOpen();

    await herald.subscribe("granted");
    await assert.rejects(herald.subscribe("secret"), (error) => error.code === "topic_not_allowed" && error.topic === "secret");
    assert.deepEqual(herald.topics, ["granted"]);
  });

  test("refuses an invalid topic name before sending anything", () => {
    const herald = client({ url: wsUrl(openServer()), uid: uniqueUser(), autoConnect: false });
    assert.throws(() => herald.subscribe("has space"), TypeError);
  });
});

describe("reconnect and resume", () => {
  test("after the connection drops, reconnects and resumes every stream with nothing lost or repeated", async () => {
    const uid = uniqueUser();
    const topic = `t-${uid}`;
    const proxy = await Proxy.start(openServer());
    try {
      const herald = client({ url: proxy.url, uid, topics: [topic] });
      const received = recorder(herald);
      const states = [];
      herald.on("state", (change) => states.push(change.state));
      const topicJoined = next(herald, "joined", (event) => event.stream === `topic:${topic}`);
      await herald.whenOpen();
      await topicJoined;
      await publish(openServer(), { users: [uid], topics: [topic], data: 1 });
      await received.count(2);

      await proxy.refuse(true);
      const reconnecting = next(herald, "state", (change) => change.state === "reconnecting");
      proxy.cut();
      assert.equal((await reconnecting).code, 1006);
      for (const data of [2, 3, 4]) {
        await publish(openServer(), { users: [uid], topics: [topic], data });
      }
      const userResumed = next(herald, "joined", (event) => event.stream === `user:${uid}`);
      const topicResumed = next(herald, "joined", (event) => event.stream === `topic:${topic}`);
      await proxy.refuse(false);

      assert.equal((await userResumed).outcome, "recovered");
      assert.equal((await topicResumed).outcome, "recovered");
      await received.count(8);
      for (const stream of [`user:${uid}`, `topic:${topic}`]) {
        const of = received.messages.filter((message) => message.stream === stream);
        assert.deepEqual(of.map((message) => message.data), [1, 2, 3, 4], stream);
        assert.deepEqual(of.map((message) => message.seq), [1, 2, 3, 4], stream);
      }
      assert.ok(states.includes("reconnecting") && states.at(-1) === "open", states.join(","));
    } finally {
      await proxy.stop();
    }
  });

  test("says a stream was not recovered when the history could not cover the gap", async () => {
    const uid = uniqueUser();
    const proxy = await Proxy.start(openServer());
    try {
      const herald = client({ url: proxy.url, uid });
      const received = recorder(herald);
      await herald.whenOpen();
      await send(openServer(), uid, "before");
      await received.count(1);

      await proxy.refuse(true);
      const reconnecting = next(herald, "state", (change) => change.state === "reconnecting");
      proxy.cut();
      await reconnecting;
      // The server keeps 5 messages per stream: 8 outrun it.
      for (let i = 1; i <= 8; i++) {
        await send(openServer(), uid, `gap ${i}`);
      }
      const missed = next(herald, "missed", (event) => event.stream === `user:${uid}`);
      await proxy.refuse(false);

      assert.equal((await missed).reason, "window_exceeded");
      await received.count(6);
      assert.deepEqual(received.messages.slice(1).map((message) => message.data), ["gap 4", "gap 5", "gap 6", "gap 7", "gap 8"]);
    } finally {
      await proxy.stop();
    }
  });

  test("a reload resumes from the positions kept in storage", async () => {
    const uid = uniqueUser();
    const storage = new MemoryStorage();
    const before = client({ url: wsUrl(openServer()), uid, storage });
    const seen = recorder(before);
    await before.whenOpen();
    await send(openServer(), uid, "one");
    await seen.count(1);
    before.close();

    await send(openServer(), uid, "two");
    await send(openServer(), uid, "three");
    const after = client({ url: wsUrl(openServer()), uid, storage });
    const received = recorder(after);
    const joined = next(after, "joined", (event) => event.stream === `user:${uid}`);

    assert.equal((await joined).outcome, "recovered");
    await received.count(2);
    assert.deepEqual(received.messages.map((message) => message.data), ["two", "three"]);
  });

  test("a stored position from another epoch is reported as epoch_changed", async () => {
    const uid = uniqueUser();
    const url = wsUrl(openServer());
    await send(openServer(), uid, "kept");
    const storage = new MemoryStorage();
    storage.setItem(`herald:${url}:${uid}`, JSON.stringify({ [`user:${uid}`]: { epoch: "x1Yq3v0Vc8k", seq: 3 } }));
    const herald = client({ url, uid, storage });
    const received = recorder(herald);

    const missed = await next(herald, "missed");

    assert.deepEqual(missed, { stream: `user:${uid}`, reason: "epoch_changed" });
    assert.equal((await received.count(1))[0].data, "kept");
  });

  test("a first-ever login that asks for what the server retains raises no alarm, even past the window", async () => {
    const uid = uniqueUser();
    for (let i = 1; i <= 8; i++) {
      await send(openServer(), uid, `old ${i}`);
    }
    const herald = client({ url: wsUrl(openServer()), uid, startPosition: "retained", storage: new MemoryStorage() });
    const received = recorder(herald);
    let missed = 0;
    herald.on("missed", () => missed++);
    const joined = next(herald, "joined", (event) => event.stream === `user:${uid}`);

    assert.equal((await joined).outcome, "live");
    await received.count(5);
    assert.equal(missed, 0);
  });

  test("a connection that went silent is noticed by the keep-alive ping and replaced", async () => {
    const uid = uniqueUser();
    const proxy = await Proxy.start(openServer());
    try {
      const herald = client({ url: proxy.url, uid, keepAlive: { interval: 200, timeout: 300 } });
      await herald.whenOpen();
      const reconnecting = next(herald, "state", (change) => change.state === "reconnecting");

      proxy.silence();
      const change = await reconnecting;

      assert.equal(change.code, 1006);
      assert.match(String(change.error), /ping/);
    } finally {
      await proxy.stop();
    }
  });
});

describe("what ends a client", () => {
  test("a disconnect by the backend (4004) closes it for good, with the reason", async () => {
    const uid = uniqueUser();
    const herald = client({ url: wsUrl(openServer()), uid });
    await herald.whenOpen();
    const closed = next(herald, "state", (change) => change.state === "closed");

    assert.equal(await disconnect(openServer(), uid), 1);
    const change = await closed;

    assert.equal(change.code, 4004);
    assert.equal(change.reason, "disconnected by the server");
    assert.equal(herald.state, "closed");
  });

  test("a refused login (4012: anonymous login is off) closes it and rejects whenOpen", async () => {
    const herald = client({ url: wsUrl(tokenServer()), uid: uniqueUser() });
    const closed = next(herald, "state", (change) => change.state === "closed");

    await assert.rejects(herald.whenOpen());
    assert.equal((await closed).code, 4012);
  });

  test("a token refused twice in a row (4010) closes it", async () => {
    const herald = client({ url: wsUrl(tokenServer()), getToken: () => "not.a.token" });
    const closed = next(herald, "state", (change) => change.state === "closed");

    assert.equal((await closed).code, 4010);
  });

  test("close() sends Close 1000 and stops", async () => {
    const herald = client({ url: wsUrl(openServer()), uid: uniqueUser() });
    await herald.whenOpen();
    const closed = next(herald, "state", (change) => change.state === "closed");

    herald.close();

    assert.equal((await closed).code, 1000);
  });
});

describe("tokens", () => {
  test("logs in with a token and learns its user from the welcome", async () => {
    const uid = uniqueUser();
    const herald = client({ url: wsUrl(tokenServer()), token: mintToken(uid, 600) });
    const received = recorder(herald);
    await herald.whenOpen();

    assert.equal(herald.uid, uid);
    await send(tokenServer(), uid, "for the token's user");
    assert.equal((await received.count(1))[0].data, "for the token's user");
  });

  test("refreshes a token that expires soon with the refresh command, without reconnecting", async () => {
    const uid = uniqueUser();
    let calls = 0;
    // Less left than the server's one-minute notice: token_expiring comes at once.
    const herald = client({ url: wsUrl(tokenServer()), token: mintToken(uid, 30), getToken: () => (calls++, mintToken(uid, 3600)) });
    const states = [];
    herald.on("state", (change) => states.push(change.state));

    const refreshed = await next(herald, "refreshed");

    assert.equal(calls, 1);
    assert.ok(Date.parse(refreshed.expiresAt) > Date.now() + 3000 * 1000, refreshed.expiresAt);
    assert.deepEqual(states, ["connecting", "open"]);
  });

  test("asks for a fresh token on every reconnect", async () => {
    const uid = uniqueUser();
    const proxy = await Proxy.start(tokenServer());
    try {
      let calls = 0;
      const herald = client({ url: proxy.url, getToken: async () => (calls++, mintToken(uid, 600)) });
      await herald.whenOpen();
      const reopened = next(herald, "state", (change) => change.state === "open");

      proxy.cut();
      await reopened;

      assert.equal(calls, 2);
      assert.equal(herald.uid, uid);
    } finally {
      await proxy.stop();
    }
  });
});

describe("backoff and the page's signals", () => {
  test("waits a random time under a growing, capped ceiling, and closes after maxAttempts failures", async () => {
    const proxy = await Proxy.start(openServer());
    await proxy.refuse(true);
    try {
      const policy = { initialDelay: 20, multiplier: 2, maxDelay: 50, maxAttempts: 5 };
      const herald = client({ url: proxy.url, uid: uniqueUser(), reconnect: policy });
      const waits = [];
      herald.on("state", (change) => change.state === "reconnecting" && waits.push(change));

      const closed = await next(herald, "state", (change) => change.state === "closed");

      assert.deepEqual(waits.map((wait) => wait.attempt), [1, 2, 3, 4]);
      for (const wait of waits) {
        const ceiling = Math.min(policy.maxDelay, policy.initialDelay * policy.multiplier ** (wait.attempt - 1));
        assert.ok(wait.delay >= 0 && wait.delay < ceiling, `attempt ${wait.attempt} waited ${wait.delay} ms, ceiling ${ceiling}`);
      }
      assert.equal(closed.attempt, 5);
    } finally {
      await proxy.stop();
    }
  });

  // Node has no window or document: these stand in for the page's, as event targets the test fires.
  async function withPage(run) {
    const page = { window: new EventTarget(), document: Object.assign(new EventTarget(), { visibilityState: "visible" }) };
    Object.assign(globalThis, page);
    try {
      await run(page);
    } finally {
      delete globalThis.window;
      delete globalThis.document;
    }
  }

  test("a tab that becomes visible checks its connection with a ping, and replaces it when dead", () => withPage(async (page) => {
    const proxy = await Proxy.start(openServer());
    try {
      // No keep-alive within the test's time: only the wake can notice the dead socket.
      const herald = client({ url: proxy.url, uid: uniqueUser(), keepAlive: { interval: 60000, timeout: 300 } });
      await herald.whenOpen();
      proxy.silence();
      const reconnecting = next(herald, "state", (change) => change.state === "reconnecting");

      page.document.dispatchEvent(new Event("visibilitychange"));

      assert.match(String((await reconnecting).error), /ping/);
    } finally {
      await proxy.stop();
    }
  }));

  test("coming online skips the wait of a pending reconnect", () => withPage(async (page) => {
    const proxy = await Proxy.start(openServer());
    try {
      const herald = client({ url: proxy.url, uid: uniqueUser(), reconnect: { initialDelay: 60000, maxDelay: 60000 } });
      await herald.whenOpen();
      await proxy.refuse(true);
      const reconnecting = next(herald, "state", (change) => change.state === "reconnecting");
      proxy.cut();
      await reconnecting;
      await proxy.refuse(false);
      const reopened = next(herald, "state", (change) => change.state === "open");

      page.window.dispatchEvent(new Event("online"));

      await reopened;
    } finally {
      await proxy.stop();
    }
  }));
});

describe("a token that could not be refreshed", () => {
  test("expires (4011), and the client reconnects with a fresh token and resumes without loss", async () => {
    const uid = uniqueUser();
    const first = mintToken(uid, 3);
    let calls = 0;
    // The refresh gets the same token back, so none is sent; the reconnect after the expiry gets a new one.
    const herald = client({ url: wsUrl(tokenServer()), token: first, getToken: () => (calls++ === 0 ? first : mintToken(uid, 600)) });
    const received = recorder(herald);
    const refreshFailed = next(herald, "error", (error) => error.code === "refresh_failed");
    await herald.whenOpen();
    await refreshFailed;
    await send(tokenServer(), uid, "before the expiry");
    await received.count(1);

    const reconnecting = await next(herald, "state", (change) => change.state === "reconnecting");
    const resumed = next(herald, "joined", (event) => event.stream === `user:${uid}`);
    assert.equal(reconnecting.code, 4011);
    await send(tokenServer(), uid, "after the expiry");

    assert.equal((await resumed).outcome, "recovered");
    assert.deepEqual((await received.count(2)).map((message) => message.data), ["before the expiry", "after the expiry"]);
    assert.equal(calls, 2);
  });
});
