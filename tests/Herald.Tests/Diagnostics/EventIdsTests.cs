using System.Reflection;
using System.Text.RegularExpressions;
using Herald.Diagnostics;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Diagnostics;

public sealed partial class EventIdsTests
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

    [Fact]
    public void OperationsDoc_EventTable_ListsEveryEventIdWithItsNameAndNothingElse()
    {
        var declared = typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => $"{(int)field.GetValue(null)!} {field.Name}")
            .Order(StringComparer.Ordinal);
        var written = typeof(IHeraldHub).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => method.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(m => $"{m.EventId} {m.EventName}");
        // The 5xx rows are Herald.Redis's, which Herald.Redis.Tests checks against that assembly.
        var documented = RepositoryFiles.ReadLines("docs/operations.md")
            .Select(line => EventRow().Match(line))
            .Where(match => match.Success && match.Groups[1].Value[0] != '5')
            .Select(match => $"{match.Groups[1].Value} {match.Groups[2].Value}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, documented);
        Assert.Empty(written.Except(declared));
    }

    [GeneratedRegex(@"^\| (\d{3}) \| `(\w+)` \|")]
    private static partial Regex EventRow();
}
