using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Herald.WebSockets;

/// <summary>The payload of a Close frame (RFC 6455 §5.5.1): an optional 2-byte status code and a UTF-8 reason.</summary>
internal static class ClosePayload
{
    /// <summary>The code a Close frame with an empty payload stands for (RFC 6455 §7.4.1); never sent itself.</summary>
    private const int NoStatusReceived = 1005;

    /// <summary>Reads a client's Close payload (RFC 6455 §5.5.1, §7.4).</summary>
    /// <returns>
    /// True with the code and reason (1005 and "" for an empty payload); false with a short ASCII
    /// <paramref name="error"/> when the payload is malformed, fit for a Close reason, and the code to close with:
    /// 1007 for a reason that is not UTF-8 (as ManagedWebSocket answers), 1002 for the rest.
    /// </returns>
    public static bool TryParse(ReadOnlySpan<byte> payload, out int code, out string reason, out string? error, out int errorCode)
    {
        code = 0;
        reason = "";
        error = null;
        errorCode = WebSocketCloseCodes.ProtocolError;
        if (payload.IsEmpty)
        {
            code = NoStatusReceived;
            return true;
        }

        if (payload.Length == 1)
        {
            error = "close payload of 1 byte has no room for a status code";
            return false;
        }

        var wireCode = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!IsValidCode(wireCode))
        {
            error = $"close code {wireCode} may not be sent";
            return false;
        }

        var reasonBytes = payload[2..];
        if (!Utf8.IsValid(reasonBytes))
        {
            error = "close reason is not valid UTF-8";
            errorCode = WebSocketCloseCodes.InvalidPayloadData;
            return false;
        }

        code = wireCode;
        reason = Encoding.UTF8.GetString(reasonBytes);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="code"/> may appear in a Close frame (RFC 6455 §7.4.1-2, IANA registry): 1000-1003,
    /// 1007-1014 and 3000-4999. 1004 is reserved, 1005, 1006 and 1015 are for reporting only, and the rest of
    /// 1016-2999 is unassigned.
    /// </summary>
    public static bool IsValidCode(int code) => code switch
    {
        >= 1000 and <= 1003 => true,
        >= 1007 and <= 1014 => true,
        >= 3000 and <= 4999 => true,
        _ => false,
    };
}
