namespace Herald.Bench.Cli;

/// <summary>The help text.</summary>
internal static class Usage
{
    public const string Text = """
        Herald.Bench: load generator for a Herald server (or one of the seed's design) on this machine's loopback.

        usage: dotnet run -c Release --project bench/Herald.Bench -- <scenario> [options]

        common options
          --url URL              server base address, loopback only, http:// or https:// (default http://127.0.0.1:8181)
          --server-cert-sha256 HEX   with https: the SHA-256 of the server's certificate, the only one trusted
          --server-pid PID       the server's process id; needed for its memory and CPU figures, and (a .NET
                                 server) its GC figures
          --server-pid PID,PID,...   several processes that serve the run together (the nodes of a cluster and its
                                 Redis server): the first is the node that holds the connections (--url), whose RSS
                                 and GC figures are reported; server CPU is the sum of all, and each one's share is in
                                 the JSON (window.serverProcesses)
          --publish-url URL      publish (/send, POST /api/v1/publish, the idle and churn probes) to this node of
                                 the cluster instead of --url; connections and stats stay on --url
          --user-prefix P        user IDs P0, P1, ... (default bench-; churn makes its own): two generators with
                                 different prefixes on two nodes have users that are each on one node only
          --token-secret S       log every connection in with an HS256 token signed with S (a server whose
                                 Herald:Tokens:Secret is S); --token-issuer I and --token-audience A add iss and aud
          --api-key K            send K as the API key (Authorization: Bearer K) on every HTTP call

        scenarios
          idle        --connections N (1000) --tabs K (1) --connect-concurrency P (64) --idle-seconds S (5)
                      --settle-seconds S (2) --warmup-connections W (100) --live-heap on|off (on)
                      N connections of N/K users (K each, as tabs) connect and stay idle: connect rate, server
                      CPU per connect + login, server RSS per connection, idle CPU, and (a .NET server) its live
                      heap per connection, from a full collection the tool makes it run with the connections
                      open and again once they closed
          latency     --users N (1000) --rate R (1000) --messages M (10000) --warmup W (min(200, M/10))
                      --http-connections H (64) --seed S --gc-events on|off (on)
                      M messages at R/s on an open-loop schedule to random users: publish-to-receive percentiles,
                      and the server's collections and longest GC pause over the run
          throughput  --users N (1000) --seconds T (10) --mode send|batch (send) --concurrency C (32; 4 with batch)
                      --batch-size B (500, batch only; at most 1000) --max-messages X (50000000) --gc-events on|off (on)
                      C keep-alive callers publish as fast as the server answers, one message per /send or B per
                      POST /api/v1/publish/batch, message i to user i % N: published/s, delivered/s, CPU per
                      message, send-to-receive percentiles
          churn       --seconds T (10) --concurrency C (16)
                      C loops of connect, log in, receive one message, close: cycles/s, and that the server drains to zero
          fanout      --subscribers N (10000) --rate R (10) --seconds T (10) --topic NAME --warmup W (R)
                      --http-connections H (16) --gc-events on|off (on)
                      R messages/s for T s through POST /api/v1/publish, each to all N connections (broadcast, to
                      seed-flavour connections; or to the topic, with herald.v1 connections subscribed to it), open
                      loop: copies delivered per second and per server CPU second, lost, duplicated, percentiles

        side by side
          compare     --herald CMD --reference CMD [--scenarios idle,latency,throughput] [--runs N (3)]
                      [--ports FROM-TO] [--start-timeout S (30)] [options of those scenarios]
                      for each scenario and each of N runs, a fresh Herald and a fresh reference server, one after the
                      other (alternating which goes first), each started from its command on a free 127.0.0.1 port
                      ({port} in the command says where: "... --urls http://127.0.0.1:{port}", "... -addr 127.0.0.1:{port}";
                      words split on spaces, quotes keep one together, no shell), measured, then killed. An option goes
                      to every chosen scenario that takes it. Prints the JSON of every run, then per scenario a table
                      of both medians and their ratio Herald / reference.

        A server whose GET /api/v1/stats answers 404 (the seed's design) is measured by its PID only: its counters are
        null in the JSON and n/a in the row, and each login is confirmed by a probe message through /send. fanout and
        throughput --mode batch need Herald's API and refuse such a server.

        Output: one JSON document and one Markdown table row (under its header) on stdout; progress on stderr.
        Exit codes: 0 result printed, 1 the run failed, 2 bad usage, 130 cancelled.
        """;
}
