using System.Text;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Runs a <see cref="ConformanceCase"/> on a new connection and asserts each step's exact outcome. A case that
/// leaves the connection open ends with a close handshake started by the peer (Close 1000 back, clean end).
/// The failure message names the case, the step, what was expected and everything the server did.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>How long the server has for each thing a case waits for; only a failing case waits this long.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static long _probes;

    public static async Task RunAsync(IConformanceServer server, ConformanceCase @case)
    {
        var errorsBefore = server.LoggedErrors().Count;
        var transcript = new Transcript(@case);
        await using (var peer = await server.ConnectAsync())
        {
            var closed = false;
            for (var i = 0; i < @case.Steps.Count && !closed; i++)
            {
                var step = @case.Steps[i];
                transcript.Step(i + 1, step);
                foreach (var piece in step.Plan.Cut(step.Wire()))
                {
                    if (!await TryWriteAsync(peer, piece, step.Expect, transcript))
                    {
                        break;
                    }
                }

                await ExpectPongsAsync(peer, step.Expect, transcript);
                closed = await ExpectOutcomeAsync(server, peer, step.Expect, transcript);
            }

            if (!closed)
            {
                transcript.Note("the peer closes with 1000");
                await peer.WriteAsync(WireFrame.Close(1000, "done").ToBytes());
                await ExpectCloseAsync(peer, 1000, completeHandshake: false, transcript);
                await ExpectCleanEndAsync(peer, transcript);
            }
        }

        var errors = server.LoggedErrors();
        transcript.Check(errors.Count == errorsBefore, $"the server logged no error, but it logged: {string.Join(" | ", errors.Skip(errorsBefore))}");
    }

    /// <summary>A Ping payload no case uses, so its Pong is told apart from the case's own.</summary>
    public static byte[] NewProbe() => Encoding.ASCII.GetBytes($"probe {Interlocked.Increment(ref _probes)}");

    /// <summary>
    /// Writes one piece. Where the server is to fail the connection, it may have closed before the last pieces
    /// (a write then fails): that is noted, and the outcome is still read. Anywhere else a failed write fails the case.
    /// </summary>
    private static async Task<bool> TryWriteAsync(IConformancePeer peer, ReadOnlyMemory<byte> piece, Expectation expect, Transcript transcript)
    {
        try
        {
            await peer.WriteAsync(piece);
            return true;
        }
        catch (IOException exception)
        {
            transcript.Note($"a write failed: {exception.InnerException?.Message ?? exception.Message}");
            transcript.Check(expect.Outcome == Outcome.Closes, "every write to succeed while the connection is open");
            return false;
        }
    }

    private static async Task ExpectPongsAsync(IConformancePeer peer, Expectation expect, Transcript transcript)
    {
        if (expect.Pongs.Count == 0)
        {
            return;
        }

        if (!expect.OnlyLastPongRequired)
        {
            foreach (var payload in expect.Pongs)
            {
                await ExpectPongAsync(peer, payload, transcript);
            }

            return;
        }

        // Each Pong answers a later Ping than the one before it, and the last Ping's must come.
        var last = -1;
        while (last < expect.Pongs.Count - 1)
        {
            var frame = await ExpectFrameAsync(peer, transcript, $"the Pong of the last of {expect.Pongs.Count} Pings");
            var index = frame.Opcode == ReceivedFrame.PongOpcode
                ? IndexOf(expect.Pongs, frame.Payload, last + 1)
                : -1;
            transcript.Check(index > last, $"a Pong answering one of the Pings after the last one answered (#{last + 1}), got {frame}");
            last = index;
        }
    }

    /// <returns>True when the connection is closed.</returns>
    private static async Task<bool> ExpectOutcomeAsync(IConformanceServer server, IConformancePeer peer, Expectation expect, Transcript transcript)
    {
        switch (expect.Outcome)
        {
            case Outcome.Continues:
                return false;
            case Outcome.Accepted:
                await ExpectOpenAsync(peer, transcript);
                return false;
            case Outcome.LoginAccepted:
                await ExpectOpenAsync(peer, transcript);
                var marker = $"conformance {Interlocked.Increment(ref _probes)}";
                var delivered = await server.PublishAsync(expect.Uid!, marker);
                transcript.Note($"/send to '{expect.Uid}' reached {delivered} connection(s)");
                transcript.Check(delivered == 1, $"the login of '{expect.Uid}' to have taken effect (a /send to it reaching this connection)");
                var text = await ExpectFrameAsync(peer, transcript, "the text frame /send published");
                transcript.Check(
                    text.Opcode == ReceivedFrame.TextOpcode && text.Fin && Encoding.UTF8.GetString(text.Payload) == marker,
                    $"the text frame '{marker}', got {text}");
                return false;
            default:
                await ExpectCloseAsync(peer, expect.CloseCode, expect.PeerAnswersClose, transcript);
                if (expect.EndsCleanly)
                {
                    await ExpectCleanEndAsync(peer, transcript);
                }

                return true;
        }
    }

    private static async Task ExpectOpenAsync(IConformancePeer peer, Transcript transcript)
    {
        var probe = NewProbe();
        transcript.Note($"the peer pings [{ReceivedFrame.Describe(probe)}]");
        await peer.WriteAsync(WireFrame.Ping(probe).ToBytes());
        await ExpectPongAsync(peer, probe, transcript);
    }

    private static async Task ExpectPongAsync(IConformancePeer peer, byte[] payload, Transcript transcript)
    {
        var frame = await ExpectFrameAsync(peer, transcript, $"Pong [{ReceivedFrame.Describe(payload)}]");
        transcript.Check(
            frame.Opcode == ReceivedFrame.PongOpcode && frame.Payload.AsSpan().SequenceEqual(payload),
            $"Pong [{ReceivedFrame.Describe(payload)}], got {frame}");
    }

    private static async Task ExpectCloseAsync(IConformancePeer peer, int code, bool completeHandshake, Transcript transcript)
    {
        var frame = await ExpectFrameAsync(peer, transcript, $"Close {code}");
        transcript.Check(frame.IsClose && frame.CloseCode == code, $"Close {code}, got {frame}");
        transcript.Check(
            ClosePayload.TryParse(frame.Payload, out _, out _, out var error, out _),
            $"the server's Close payload to be well-formed, but: {error}");
        if (completeHandshake)
        {
            transcript.Note($"the peer answers with Close {code}");
            await TryWriteAsync(peer, WireFrame.Close(code).ToBytes(), Expectation.Closes(code), transcript);
        }
    }

    private static async Task ExpectCleanEndAsync(IConformancePeer peer, Transcript transcript)
    {
        var end = await peer.ReadAsync(Timeout);
        transcript.Record(end);
        transcript.Check(end.Kind == PeerEventKind.Ended, $"the server to end the TCP connection cleanly (FIN) after the close handshake, got {end}");
    }

    private static async Task<ReceivedFrame> ExpectFrameAsync(IConformancePeer peer, Transcript transcript, string what)
    {
        var next = await peer.ReadAsync(Timeout);
        transcript.Record(next);
        transcript.Check(next.Kind == PeerEventKind.Frame, $"{what}, got {next}");
        var frame = next.Frame!;
        transcript.Check(!frame.Masked && frame.Rsv == 0 && frame.Fin, $"a final, unmasked server frame with RSV 0, got {frame}");
        return frame;
    }

    private static int IndexOf(IReadOnlyList<byte[]> payloads, byte[] payload, int from)
    {
        for (var i = from; i < payloads.Count; i++)
        {
            if (payloads[i].AsSpan().SequenceEqual(payload))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>What the case did and saw so far, for the failure message.</summary>
    private sealed class Transcript(ConformanceCase @case)
    {
        private readonly StringBuilder _lines = new();
        private int _step;
        private Expectation? _expect;

        public void Step(int number, ConformanceStep step)
        {
            _step = number;
            _expect = step.Expect;
            _lines.Append($"\n  step {number}: writes {step.Plan}, expects {step.Expect}");
        }

        public void Note(string line) => _lines.Append($"\n    {line}");

        public void Record(PeerEvent observed) => _lines.Append($"\n    server: {observed}");

        public void Check(bool condition, string expected)
        {
            if (!condition)
            {
                Assert.Fail($"Case {@case}\n  step {_step} expected {_expect}\n  failed: expected {expected}\n  transcript:{_lines}");
            }
        }
    }
}
