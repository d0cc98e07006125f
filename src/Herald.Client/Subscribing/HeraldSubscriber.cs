using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Herald.Client.Subscribing;

namespace Herald.Client;

/// <summary>
/// A <c>herald.v1</c> WebSocket client: logs in as one user, receives that user's stream, <c>broadcast</c> and the
/// topics it subscribes to, and keeps doing so across connection losses. It reconnects with backoff, resumes every
/// stream from the last message it handed over, restores its topics, and hands each message over once, in order.
/// <code>
/// await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions
/// {
///     ServerUri = new Uri("ws://localhost:8181/ws"),
///     UserId = "123",
///     Topics = ["orders"],
/// });
/// subscriber.StreamJoined += (_, joined) => { if (joined.MissedMessages) ReloadState(joined.Stream); };
/// await subscriber.StartAsync(cancellationToken);
/// await foreach (var message in subscriber.ReadAllAsync(cancellationToken)) { ... }
/// </code>
/// Every member is thread-safe. Events are raised one at a time: <see cref="StateChanged"/> and
/// <see cref="SubscriptionRefused"/> on the subscriber's connection task, <see cref="StreamJoined"/> on the reader
/// of <see cref="ReadAllAsync"/>. A handler must not block; an exception it throws ends the subscriber
/// (<see cref="StateChanged"/>, <see cref="SubscriptionRefused"/>) or the enumeration (<see cref="StreamJoined"/>).
/// </summary>
public sealed partial class HeraldSubscriber : IAsyncDisposable
{
    private const string SubProtocol = "herald.v1";

    private readonly HeraldSubscriberOptions _options;
    private readonly Channel<Delivery> _deliveries;
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Cancelled by DisposeAsync: no more attempts, waits or deliveries. The receive loop keeps reading (without
    // handing anything over) until the server answers the Close, so that the connection ends cleanly.
    private readonly CancellationTokenSource _stopping = new();

    // Cancelled when the close handshake took longer than CloseTimeout: cancelling a receive aborts the socket.
    private readonly CancellationTokenSource _abort = new();

    // One send at a time on the socket, and a topic command's change to the topic set together with its send, so
    // that the commands reach the server in the order the pending answers are recorded.
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // Guards everything below, and the Streams and Pending of the current connection.
    private readonly Lock _gate = new();
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly StreamPositions _positions = new();
    private SubscriberConnection? _connection;

    // The option, or without it the uid of the first welcome: from then on every login names it (docs/client.md).
    private string? _userId;
    private HeraldSubscriberState _state = new(HeraldSubscriberStatus.Connecting);
    private Task? _run;
    private bool _disposed;

    private int _reading;

    /// <summary>Creates a subscriber; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public HeraldSubscriber(HeraldSubscriberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _userId = options.UserId;
        _topics.UnionWith(options.Topics);
        _deliveries = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(options.MaxBufferedMessages)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
    }

    /// <summary>
    /// Raised when <see cref="State"/> changes, on the subscriber's connection task: each attempt, each loss (with
    /// the wait before the next attempt), being connected, and closing for good.
    /// </summary>
    public event EventHandler<HeraldSubscriberState>? StateChanged;

    /// <summary>
    /// Raised each time the subscriber goes on a stream (every connection, every stream), on the reader of
    /// <see cref="ReadAllAsync"/>, in order: after every message received before it, before the first message after
    /// it. <see cref="HeraldStreamJoined.MissedMessages"/> says the application should reload its state.
    /// </summary>
    public event EventHandler<HeraldStreamJoined>? StreamJoined;

    /// <summary>
    /// Raised, on the connection task, when the server refused a subscription the subscriber restored after a
    /// reconnect (its rules changed meanwhile, the new token grants less, the connect hook is unavailable), or took
    /// the subscriber off a topic that a refreshed token no longer grants (code <c>topic_not_allowed</c>); the topic
    /// is forgotten. A refusal of <see cref="SubscribeAsync"/> is thrown by it instead.
    /// </summary>
    public event EventHandler<HeraldSubscriptionException>? SubscriptionRefused;

    /// <summary>Where the connection stands now.</summary>
    public HeraldSubscriberState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// The user whose stream the subscriber receives: <see cref="HeraldSubscriberOptions.UserId"/>, or, when only a
    /// token provider was given, the user the server named at the first login (null until then).
    /// </summary>
    public string? UserId
    {
        get
        {
            lock (_gate)
            {
                return _userId;
            }
        }
    }

    /// <summary>The topics the subscriber is on, or will be on once connected; the ones restored after a reconnect.</summary>
    public IReadOnlyCollection<string> Topics
    {
        get
        {
            lock (_gate)
            {
                return [.. _topics];
            }
        }
    }

    /// <summary>
    /// Starts connecting, and waits until the subscriber is first <see cref="HeraldSubscriberStatus.Connected"/>
    /// (logged in). The subscriber starts once; later calls wait for the same first connection. Before it,
    /// <see cref="State"/> is Connecting with attempt 0.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait, not the subscriber: it keeps trying until disposed.</param>
    /// <exception cref="HeraldSubscriberClosedException">The subscriber closed for good before it connected (a refused login, out of attempts, disposed).</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _run ??= Task.Run(RunAsync, CancellationToken.None);
        }

        return _firstConnection.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The messages, in the order of each stream, each handed over once, across reconnects. The enumeration ends
    /// when the subscriber closes for good, after the messages already received. One reader at a time.
    /// </summary>
    /// <param name="cancellationToken">Ends this enumeration; the subscriber goes on, and a new enumeration continues where this one stopped.</param>
    /// <exception cref="InvalidOperationException">Another enumeration is running.</exception>
    public async IAsyncEnumerable<HeraldMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("The subscriber's messages are already being read; it has one reader at a time.");
        }

        try
        {
            var reader = _deliveries.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var delivery))
                {
                    if (delivery.Joined is { } joined)
                    {
                        StreamJoined?.Invoke(this, joined);
                    }
                    else
                    {
                        yield return delivery.Message!;
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>
    /// Closes the connection cleanly (Close 1000, waiting up to <see cref="HeraldSubscriberOptions.CloseTimeout"/>
    /// for the server's answer), stops reconnecting and ends <see cref="ReadAllAsync"/> after the messages already
    /// received. Messages that arrive before the server's answer still go into the buffer when there is room: it
    /// never waits for the application.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            run = _run;
        }

        await _stopping.CancelAsync();
        if (run is not null)
        {
            await CloseConnectionAsync();
            try
            {
                await run.WaitAsync(_options.CloseTimeout, _options.TimeProvider);
            }
            catch (TimeoutException)
            {
                await _abort.CancelAsync();
                await run;
            }
        }

        Close(new HeraldSubscriberState(HeraldSubscriberStatus.Closed) { CloseStatus = 1000 });
        _stopping.Dispose();
        _abort.Dispose();
    }

    private void SetState(HeraldSubscriberState state)
    {
        if (TryChangeState(state))
        {
            StateChanged?.Invoke(this, state);
        }
    }

    // The one way into the final state. The messages already received stay readable, then the enumeration ends;
    // both that and StartAsync's outcome are settled before the handlers run, so a throwing handler cannot leave
    // a reader or a starter waiting.
    private void Close(HeraldSubscriberState state)
    {
        var changed = TryChangeState(state);
        _deliveries.Writer.TryComplete();
        if (_firstConnection.TrySetException(new HeraldSubscriberClosedException(State)))
        {
            // Observed here, so that a subscriber nobody started does not report an unobserved task exception.
            _ = _firstConnection.Task.Exception;
        }

        if (changed)
        {
            StateChanged?.Invoke(this, state);
        }
    }

    private bool TryChangeState(HeraldSubscriberState state)
    {
        lock (_gate)
        {
            if (_state.Status == HeraldSubscriberStatus.Closed)
            {
                return false;
            }

            _state = state;
            return true;
        }
    }
}
