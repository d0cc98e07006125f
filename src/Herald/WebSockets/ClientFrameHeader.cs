namespace Herald.WebSockets;

/// <summary>A client frame header (RFC 6455 §5.2), as parsed.</summary>
/// <param name="Fin">Whether this is the last frame of its message.</param>
/// <param name="Opcode">The frame's opcode.</param>
/// <param name="PayloadLength">The payload's length in bytes, never negative.</param>
/// <param name="MaskKey">The masking key, its first wire byte in the most significant position.</param>
/// <param name="HeaderLength">How many bytes the header takes, mask key included (6 to 14).</param>
internal readonly record struct ClientFrameHeader(bool Fin, WebSocketOpcode Opcode, long PayloadLength, uint MaskKey, int HeaderLength)
{
    /// <summary>Close, Ping and Pong: the opcodes with the high bit set.</summary>
    public bool IsControl => ((byte)Opcode & 0x8) != 0;
}
