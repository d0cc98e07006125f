using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Herald.Redis.Tests.Diagnostics;

/// <summary>Herald.Redis's log events: unique, named as their ids, and documented in docs/operations.md's 5xx rows.</summary>
public sealed partial class RedisEventIdsTests
{
    [Fact]
    public void OperationsDoc_FiveHundredRows_ListEveryRedisEventWithItsNameAndNothingElse()
    {
        var declared = typeof(RedisEventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => $"{(int)field.GetValue(null)!} {field.Name}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var written = typeof(RedisEventIds).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => method.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(message => $"{message.EventId} {message.EventName}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var documented = RepositoryFiles.ReadLines("docs/operations.md")
            .Select(line => EventRow().Match(line))
            .Where(match => match.Success)
            .Select(match => $"{match.Groups[1].Value} {match.Groups[2].Value}")
            .Order(StringComparer.Ordinal);

        Assert.NotEmpty(declared);
        Assert.Equal(declared, written);
        Assert.Equal(declared, documented);
    }

    [GeneratedRegex(@"^\| (5\d\d) \| `(\w+)` \|")]
    private static partial Regex EventRow();
}
