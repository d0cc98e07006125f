namespace Herald.WebSockets;

/// <summary>The standard close codes (RFC 6455 §7.4.1) that Herald sends.</summary>
internal static class WebSocketCloseCodes
{
    public const int NormalClosure = 1000;
    public const int GoingAway = 1001;
    public const int ProtocolError = 1002;
    public const int InvalidPayloadData = 1007;
    public const int MessageTooBig = 1009;
    public const int InternalError = 1011;
    public const int TryAgainLater = 1013;
}
