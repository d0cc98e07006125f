using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// Writes a request exactly as given over a new TCP connection and reads the answer's head, every read bounded
/// by a timeout: for heads no HTTP client would send (bare LF, obs-fold, duplicate or oversized headers).
/// </summary>
public static class RawHttp
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Sends <paramref name="request"/> and reads until the end of the answer's head, the end of the connection, or the timeout.</summary>
    public static async Task<RawHttpAnswer> ExchangeAsync(Uri baseAddress, ReadOnlyMemory<byte> request, TimeSpan? timeout = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        var elapsed = Stopwatch.StartNew();
        try
        {
            await stream.WriteAsync(request, TestContext.Current.CancellationToken);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything (a head over a limit); read what it said.
        }

        var head = await ReadHeadAsync(stream, timeout ?? DefaultTimeout);
        return new RawHttpAnswer(head, elapsed.Elapsed);
    }

    public static Task<RawHttpAnswer> ExchangeAsync(Uri baseAddress, string request, TimeSpan? timeout = null) =>
        ExchangeAsync(baseAddress, Encoding.Latin1.GetBytes(request), timeout);

    /// <summary>Reads the head of an answer: up to the blank line, or whatever came before the connection ended or the timeout passed.</summary>
    public static async Task<string> ReadHeadAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        var head = new StringBuilder();
        var one = new byte[1];
        try
        {
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, deadline.Token) == 1)
            {
                head.Append((char)one[0]);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            // A reset or the timeout: the answer is what arrived before it.
        }

        return head.ToString();
    }

    /// <summary>Reads until the server ends the connection (end of stream or reset), at most <paramref name="timeout"/>.</summary>
    /// <returns>How long it took, or null when the connection was still open at the timeout.</returns>
    public static async Task<TimeSpan?> TimeUntilClosedAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        var elapsed = Stopwatch.StartNew();
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }

            return elapsed.Elapsed;
        }
        catch (IOException)
        {
            return elapsed.Elapsed;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}

/// <summary>What a server answered to a raw request: the head as read (empty when nothing came) and how long it took.</summary>
public sealed record RawHttpAnswer(string Head, TimeSpan Elapsed)
{
    /// <summary>The status code of the answer, or null when no status line arrived.</summary>
    public int? Status => Head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && Head.Length >= 12
        && int.TryParse(Head.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            ? status
            : null;

    public override string ToString() => Status is { } status ? $"{status} after {Elapsed.TotalMilliseconds:F0} ms" : $"no answer after {Elapsed.TotalMilliseconds:F0} ms";
}
