using Herald.WebSockets;

namespace Herald.Tests.Infrastructure;

/// <summary>Published-message frames for tests that drive a queue directly.</summary>
internal static class TestFrames
{
    public static OutboundFrame Text(string text, string? conflationKey = null) =>
        OutboundFrame.Message(ServerFrame.CreateText(text), conflationKey);
}
