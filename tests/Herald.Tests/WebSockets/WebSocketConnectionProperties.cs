using System.Text;
using CsCheck;
using Herald.Tests.Infrastructure;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.WebSockets;

/// <summary>Properties of the engine over random input, each case on a fresh connection.</summary>
public sealed class WebSocketConnectionProperties
{
    private static readonly Gen<(bool Text, byte[] Payload, int[] Cuts)> Message =
        Gen.Select(
            Gen.Bool,
            Gen.OneOf(Gen.String[0, 300].Select(Encoding.UTF8.GetBytes), Gen.Byte.Array[0, 300]),
            Gen.Int[1, 300].Array[0, 4]);

    [Fact]
    public async Task Receive_ValidMessagesFragmentedAndSplitAnywhere_AreReadAsSent()
    {
        var cases = Gen.Select(Message.Array[1, 4], Gen.Int[1, 64].Array[1, 8]);
        await cases.SampleAsync(async sample =>
        {
            var (messages, writeSizes) = sample;
            var wire = messages.SelectMany(message => Fragments(message.Text, message.Payload, message.Cuts)).SelectMany(frame => frame).ToArray();
            await using var peer = new EnginePeer();

            // The bytes go out in pieces of random sizes, cutting headers, payloads and code points anywhere.
            var offset = 0;
            for (var i = 0; offset < wire.Length; i++)
            {
                var size = Math.Min(writeSizes[i % writeSizes.Length], wire.Length - offset);
                await peer.WriteAsync(wire.AsSpan(offset, size).ToArray());
                offset += size;
            }

            await Eventually.TrueAsync(() => peer.Session.Messages.Count == messages.Length, "every message to arrive");
            for (var i = 0; i < messages.Length; i++)
            {
                var (kind, bytes) = peer.Session.Messages[i];
                Assert.Equal(IsText(messages[i]) ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary, kind);
                Assert.Equal(messages[i].Payload, bytes);
            }
        }, iter: 150, threads: 1);
    }

    [Fact]
    public async Task Receive_RandomBytes_EndInACloseOrWaitingAndNeverAnError()
    {
        await Gen.Byte.Array[1, 200].Array[1, 6].SampleAsync(async chunks =>
        {
            await using var peer = new EnginePeer();
            foreach (var chunk in chunks)
            {
                await peer.WriteAsync(chunk);
            }

            // Whatever arrived, the engine either still waits for more or has closed with a code RFC 6455 allows.
            await peer.Transport.ClientOutput.CompleteAsync();
            await peer.Ended.WaitAsync(EnginePeer.Timeout);
            Assert.DoesNotContain(peer.Logs.Entries, entry => entry.Level >= LogLevel.Error);
        }, iter: 300, threads: 1);
    }

    // Random binary payloads are sent as binary: only valid UTF-8 may travel as text.
    private static bool IsText((bool Text, byte[] Payload, int[] Cuts) message) =>
        message.Text && System.Text.Unicode.Utf8.IsValid(message.Payload);

    private static IEnumerable<byte[]> Fragments(bool text, byte[] payload, int[] cuts)
    {
        var isText = text && System.Text.Unicode.Utf8.IsValid(payload);
        var points = cuts.Where(cut => cut < payload.Length).Distinct().Order().Append(payload.Length).ToArray();
        var start = 0;
        for (var i = 0; i < points.Length; i++)
        {
            var opcode = i == 0 ? (isText ? 0x1 : 0x2) : 0x0;
            var fin = i == points.Length - 1 ? 0x80 : 0;
            yield return EnginePeer.Frame((byte)(fin | opcode), payload.AsSpan(start, points[i] - start));
            start = points[i];
        }
    }
}
