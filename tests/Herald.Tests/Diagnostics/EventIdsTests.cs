using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Diagnostics;

public sealed class EventIdsTests
{
    [Fact]
    public void LoggerMessages_AcrossTheAssembly_HaveUniqueIdsAndNames()
    {
        var messages = typeof(IHeraldHub).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => method.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToList();

        Assert.True(messages.Count >= 10, $"found only {messages.Count} log messages; is the reflection scan broken?");
        Assert.Equal(messages.Count, messages.Select(m => m.EventId).Distinct().Count());
        Assert.Equal(messages.Count, messages.Select(m => m.EventName).Distinct().Count());
        Assert.All(messages, m => Assert.False(string.IsNullOrEmpty(m.EventName)));
    }
}
