using System.Reflection;
using Herald.Hosting;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Tests.Hosting;

/// <summary>The table of keys under Herald, checked against the option classes, and what counts as an unknown key.</summary>
public sealed class UnknownConfigurationKeysTests
{
    [Fact]
    public void KeyTable_AgainstTheOptionClasses_ListsEveryBindablePropertyAndNothingElse()
    {
        var fromClasses = new List<string>();
        DescribeProperties(typeof(HeraldOptions), "", fromClasses);
        var fromTable = new List<string>();
        DescribeShape(HeraldConfigurationKeys.Herald, "", fromTable);

        // Herald.Redis's section is checked against its own option class by Herald.Redis.Tests.
        var redisKeys = fromTable.RemoveAll(key => key.StartsWith(HeraldConfigurationKeys.RedisSection + ":", StringComparison.Ordinal));
        Assert.True(redisKeys > 0);
        Assert.True(fromClasses.Count > 50, $"found only {fromClasses.Count} keys in the option classes; is the reflection scan broken?");
        Assert.Equal(fromClasses.Order(StringComparer.Ordinal), fromTable.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Find_StandaloneHostsAppSettings_FindsNone()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(RepositoryFiles.PathOf("src", "Herald.Server", "appsettings.json")).Build();

        Assert.Empty(UnknownConfigurationKeys.Find(configuration));
    }

    [Fact]
    public void Find_MisspeltKey_NamesItAsWrittenWithTheNearestKey()
    {
        var unknown = Find(("Herald:MaxQueuedMessage", "5"), ("Herald:loginTiemout", "00:00:05"));

        Assert.Equal(
            [new UnknownSetting("Herald:MaxQueuedMessage", "MaxQueuedMessages"), new UnknownSetting("Herald:loginTiemout", "LoginTimeout")],
            unknown.OrderBy(key => key.Path, StringComparer.Ordinal));
    }

    [Fact]
    public void Find_KnownKeysInAnyCase_FindsNone()
    {
        Assert.Empty(Find(
            ("herald:maxqueuedmessages", "5"),
            ("HERALD:API:KEYS:Ops:HASH", "ab"),
            ("Herald:tokens:publickeyfiles:0", "/etc/a.pem"),
            ("Herald:ConnectHook:RequestHeaders:Authorization", "Bearer x"),
            ("Herald:ForwardedHeaders:KnownProxies:0", "10.0.0.5"),
            ("Herald:AllowedOrigins:0", "https://app.example"),
            ("Herald:StrictConfiguration", "false")));
    }

    [Fact]
    public void Find_NestedSectionsAndDictionaryEntries_SuggestsFromTheSameLevel()
    {
        var unknown = Find(("Herald:Api:Keys:ops:Hsh", "ab"), ("Herald:ConnectHook:Timout", "00:00:01"), ("Herald:Api:RequestsPerSecnd", "5"));

        Assert.Equal(
            [
                new UnknownSetting("Herald:Api:Keys:ops:Hsh", "Hash"),
                new UnknownSetting("Herald:Api:RequestsPerSecnd", "RequestsPerSecond"),
                new UnknownSetting("Herald:ConnectHook:Timout", "Timeout"),
            ],
            unknown.OrderBy(key => key.Path, StringComparer.Ordinal));
    }

    [Fact]
    public void Find_MisspeltSection_NamesTheSectionOnce()
    {
        var unknown = Find(("Herald:Tokenz:Secret", "s"), ("Herald:Tokenz:Issuer", "i"));

        Assert.Equal(new UnknownSetting("Herald:Tokenz", "Tokens"), Assert.Single(unknown));
    }

    [Fact]
    public void Find_KeysUnderAValueOrAListEntry_AreUnknownWithoutSuggestion()
    {
        var unknown = Find(("Herald:MaxQueuedMessages:Limit", "5"), ("Herald:Tokens:PublicKeyFiles:0:Path", "/etc/a.pem"), ("Herald:ConnectHook:RequestHeaders:Authorization:Value", "x"));

        Assert.Equal(
            [
                new UnknownSetting("Herald:ConnectHook:RequestHeaders:Authorization:Value", null),
                new UnknownSetting("Herald:MaxQueuedMessages:Limit", null),
                new UnknownSetting("Herald:Tokens:PublicKeyFiles:0:Path", null),
            ],
            unknown.OrderBy(key => key.Path, StringComparer.Ordinal));
    }

    [Fact]
    public void Find_KeyFarFromEveryKnownOne_SuggestsNothing()
    {
        Assert.Equal(new UnknownSetting("Herald:Frobnicate", null), Assert.Single(Find(("Herald:Frobnicate", "1"))));
    }

    [Fact]
    public void Find_KeysOutsideHerald_AreNotHeraldsToJudge()
    {
        Assert.Empty(Find(("Logging:LogLevel:Default", "Debug"), ("MyApp:MaxQueuedMessage", "5"), ("HeraldX:Foo", "1")));
    }

    [Fact]
    public async Task Start_MisspeltKeys_WarnsOnceForEachWithTheNearestKeyAndStarts()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Herald:MaxQueuedMessage"] = "5",
            ["Herald:Api:RequestsPerSecnd"] = "5",
            ["Herald:Frobnicate"] = "1",
            ["Herald:MaxQueuedMessages"] = "7",
        });

        var warnings = server.Logs.Entries.Where(entry => entry.EventId == 109).ToList();
        Assert.All(warnings, entry => Assert.Equal((LogLevel.Warning, "UnknownConfigurationKey", "Herald.Hosting.HeraldLifecycleService"), (entry.Level, entry.EventName, entry.Category)));
        Assert.Equal(
            [
                "Configuration key Herald:Api:RequestsPerSecnd is not a Herald setting and is ignored; did you mean RequestsPerSecond?",
                "Configuration key Herald:Frobnicate is not a Herald setting and is ignored; docs/configuration.md lists the keys",
                "Configuration key Herald:MaxQueuedMessage is not a Herald setting and is ignored; did you mean MaxQueuedMessages?",
            ],
            warnings.Select(entry => entry.Message).Order(StringComparer.Ordinal));
        Assert.Equal(7, server.Services.GetRequiredService<HeraldOptions>().MaxQueuedMessages);
    }

    [Fact]
    public async Task Start_UnknownKeyWithControlCharacters_LogsItEscaped()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Herald:Max\u001b[2JQueued\nforged line"] = "5" });

        var warning = Assert.Single(server.Logs.Entries, entry => entry.EventId == 109);
        Assert.Equal("Configuration key Herald:Max\\u001B[2JQueued\\u000Aforged line is not a Herald setting and is ignored; docs/configuration.md lists the keys", warning.Message);
    }

    [Fact]
    public async Task Start_StrictConfigurationWithUnknownKeys_FailsNamingEach()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Herald:StrictConfiguration"] = "true",
            ["Herald:MaxQueuedMessage"] = "5",
            ["Herald:Tokenz:Secret"] = "not logged",
        }));

        Assert.Equal(
            [
                "Herald:MaxQueuedMessage is not a Herald setting (did you mean MaxQueuedMessages?), and Herald:StrictConfiguration refuses unknown keys.",
                "Herald:Tokenz is not a Herald setting (did you mean Tokens?), and Herald:StrictConfiguration refuses unknown keys.",
            ],
            failure.Failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Start_StrictConfigurationWithKnownKeysOnly_Starts()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Herald:StrictConfiguration"] = "true",
            ["herald:maxqueuedmessages"] = "5",
        });

        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventId == 109);
    }

    [Theory]
    [InlineData("MaxQueuedMessage", "MaxQueuedMessages", 1)]
    [InlineData("LoginTiemout", "LoginTimeout", 1)]
    [InlineData("logintimeout", "LoginTimeout", 0)]
    [InlineData("Hsh", "Hash", 1)]
    [InlineData("", "Url", 3)]
    [InlineData("Secret", "Scope", 4)]
    public void EditDistance_TwoKeys_CountsInsertionsDeletionsReplacementsAndSwapsIgnoringCase(string a, string b, int expected)
    {
        Assert.Equal(expected, UnknownConfigurationKeys.EditDistance(a, b));
        Assert.Equal(expected, UnknownConfigurationKeys.EditDistance(b, a));
    }

    private static IReadOnlyList<UnknownSetting> Find(params (string Key, string Value)[] settings) =>
        UnknownConfigurationKeys.Find(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build());

    private static void DescribeShape(ConfigurationShape shape, string path, List<string> into)
    {
        switch (shape.Kind)
        {
            case ConfigurationShapeKind.Value:
                into.Add(path);
                break;
            case ConfigurationShapeKind.Entries:
                DescribeShape(shape.Entry!, $"{path}:*", into);
                break;
            default:
                foreach (var (key, child) in shape.Keys)
                {
                    DescribeShape(child, path.Length == 0 ? key : $"{path}:{key}", into);
                }

                break;
        }
    }

    /// <summary>What the binder reads of a type: its public properties with a public setter, and those without one whose object it binds into.</summary>
    private static void DescribeProperties(Type type, string path, List<string> into)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod?.IsPublic == true || !IsValue(property.PropertyType))
            {
                DescribeType(property.PropertyType, path.Length == 0 ? property.Name : $"{path}:{property.Name}", into);
            }
        }
    }

    private static void DescribeType(Type type, string path, List<string> into)
    {
        if (IsValue(type))
        {
            into.Add(path);
        }
        else if (type.IsArray)
        {
            DescribeType(type.GetElementType()!, $"{path}:*", into);
        }
        else if (Interface(type, typeof(IDictionary<,>)) is { } dictionary)
        {
            Assert.Equal(typeof(string), dictionary.GetGenericArguments()[0]);
            DescribeType(dictionary.GetGenericArguments()[1], $"{path}:*", into);
        }
        else if (Interface(type, typeof(IEnumerable<>)) is { } list)
        {
            DescribeType(list.GetGenericArguments()[0], $"{path}:*", into);
        }
        else
        {
            DescribeProperties(type, path, into);
        }
    }

    private static bool IsValue(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(TimeSpan) || underlying == typeof(Uri);
    }

    private static Type? Interface(Type type, Type generic) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == generic
            ? type
            : type.GetInterfaces().FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == generic);
}
