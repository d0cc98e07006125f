using System.Text;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>Payloads and frame sequences the case families share.</summary>
public static class CaseData
{
    public const int Normal = 1000;
    public const int ProtocolError = 1002;
    public const int InvalidPayload = 1007;
    public const int MessageTooBig = 1009;

    /// <summary>The largest client message the conformance servers take: the most HeraldOptionsValidator allows.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>The user a case logs in as: one per case, so cases sharing a server never see each other's messages.</summary>
    public static string Uid(string caseId) => $"u{caseId}";

    /// <summary>The seed login <c>{"uid":"..."}</c> as UTF-8; <paramref name="uid"/> needs no JSON escaping.</summary>
    public static byte[] Login(string uid) => Encoding.UTF8.GetBytes($$"""{"uid":"{{uid}}"}""");

    /// <summary>The seed login followed by spaces up to exactly <paramref name="length"/> bytes (whitespace may follow it).</summary>
    public static byte[] PaddedLogin(string uid, int length)
    {
        var login = Login(uid);
        if (length < login.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"a login for '{uid}' takes {login.Length} bytes");
        }

        var message = new byte[length];
        login.CopyTo(message, 0);
        message.AsSpan(login.Length).Fill((byte)' ');
        return message;
    }

    /// <summary>Bytes that are not all alike (every value from 0 to 255 occurs), the same for the same length.</summary>
    public static byte[] Binary(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + 7);
        }

        return bytes;
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Join(params ReadOnlySpan<byte[]> parts)
    {
        var joined = new List<byte>();
        foreach (var part in parts)
        {
            joined.AddRange(part);
        }

        return [.. joined];
    }

    /// <summary>One message as frames cut at <paramref name="cuts"/>: the first with <paramref name="opcode"/>, the rest continuations, FIN on the last.</summary>
    public static WireFrame[] Fragments(int opcode, ReadOnlyMemory<byte> message, params int[] cuts)
    {
        var bounds = cuts.Prepend(0).Append(message.Length).ToArray();
        var frames = new WireFrame[bounds.Length - 1];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = new WireFrame
            {
                Opcode = i == 0 ? opcode : 0x0,
                Fin = i == frames.Length - 1,
                Payload = message[bounds[i]..bounds[i + 1]],
            };
        }

        return frames;
    }

    /// <summary>One message as frames of <paramref name="size"/> bytes each (the last one shorter).</summary>
    public static WireFrame[] FragmentsOf(int opcode, ReadOnlyMemory<byte> message, int size) =>
        Fragments(opcode, message, [.. Enumerable.Range(1, Math.Max((message.Length - 1) / size, 0)).Select(i => i * size)]);

    /// <summary>Where each frame of <paramref name="frames"/> starts in their concatenation: cuts between whole frames.</summary>
    public static int[] FrameBoundaries(params WireFrame[] frames)
    {
        var offsets = new int[Math.Max(frames.Length - 1, 0)];
        var offset = 0;
        for (var i = 0; i < offsets.Length; i++)
        {
            offset += frames[i].ToBytes().Length;
            offsets[i] = offset;
        }

        return offsets;
    }
}
