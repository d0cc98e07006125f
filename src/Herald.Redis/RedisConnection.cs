using System.Buffers.Text;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// This node's connection to Redis: one multiplexer for commands and pub/sub, made at start without waiting for
/// Redis (a node serves its own connections while Redis is away, and the multiplexer reconnects by itself).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;
    private ISubscriber? _subscriber;

    public RedisConnection(HeraldRedisOptions options)
    {
        NodeId = $"{Environment.MachineName}-{NewSuffix()}";
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.ClientName ??= $"herald-{NodeId}";
        configuration.AsyncTimeout = configuration.SyncTimeout = (int)options.CommandTimeout.TotalMilliseconds;

        // Without a connection a command fails at once (the API answers 503 then) rather than waiting in the
        // multiplexer's backlog for CommandTimeout and its once-a-second timeout check: and it was never sent, so a
        // publish refused so is certainly not published.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _multiplexer = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration));
    }

    /// <summary>This node's name in Redis: its presence entries and heartbeat carry it. New with every start.</summary>
    public string NodeId { get; }

    public ConnectionMultiplexer Multiplexer => _multiplexer.Value;

    /// <summary>The oldest Redis Herald runs on: sharded pub/sub, and SPUBLISH inside scripts, came with 7.0.</summary>
    public static Version MinimumVersion { get; } = new(7, 0);

    /// <summary>A connected Redis server older than <see cref="MinimumVersion"/>, if any: the node is then not ready.</summary>
    public IServer? TooOld => Multiplexer.GetServers().FirstOrDefault(static server => server.IsConnected && server.Version < MinimumVersion);

    public IDatabase Database => Multiplexer.GetDatabase();

    // The multiplexer makes a new subscriber object on every call.
    public ISubscriber Subscriber => _subscriber ??= Multiplexer.GetSubscriber();

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            await _multiplexer.Value.DisposeAsync();
        }
    }

    private static string NewSuffix()
    {
        Span<byte> random = stackalloc byte[6];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }
}
