using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Herald.Tests.Auth;

public sealed class ConnectHookOptionsTests
{
    [Fact]
    public void Bind_ConnectHookSection_FillsEveryKey()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["Herald:ConnectHook:Url"] = "https://app.example/herald/connect",
            ["Herald:ConnectHook:Timeout"] = "00:00:02",
            ["Herald:ConnectHook:ForwardHeaders:0"] = "User-Agent",
            ["Herald:ConnectHook:ForwardHeaders:1"] = "X-Request-Id",
            ["Herald:ConnectHook:RequestHeaders:Authorization"] = "Bearer s3cret",
            ["Herald:ConnectHook:CheckSubscribes"] = "true",
            ["Herald:ConnectHook:SubscribeUrl"] = "https://app.example/herald/subscribe",
            ["Herald:ConnectHook:BreakerFailures"] = "3",
            ["Herald:ConnectHook:BreakerDuration"] = "00:00:30",
        }).ConnectHook;

        Assert.Equal(new Uri("https://app.example/herald/connect"), options.Url);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.Equal(["User-Agent", "X-Request-Id"], options.ForwardHeaders);
        Assert.Equal("Bearer s3cret", options.RequestHeaders["authorization"]);
        Assert.True(options.CheckSubscribes);
        Assert.Equal(new Uri("https://app.example/herald/subscribe"), options.SubscribeUrl);
        Assert.Equal((3, TimeSpan.FromSeconds(30)), (options.BreakerFailures, options.BreakerDuration));
    }

    [Fact]
    public void Bind_NoConnectHookSection_LeavesTheHookOffWithItsDefaults()
    {
        var options = Resolve([]).ConnectHook;

        Assert.Null(options.Url);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.Empty(options.ForwardHeaders);
        Assert.Empty(options.RequestHeaders);
        Assert.False(options.CheckSubscribes);
        Assert.Equal((5, TimeSpan.FromSeconds(10)), (options.BreakerFailures, options.BreakerDuration));
    }

    [Fact]
    public void Validate_UrlNotAbsoluteHttp_FailsNamingTheKey()
    {
        var failures = Failures(new()
        {
            ["Herald:ConnectHook:Url"] = "ftp://app.example/connect",
            ["Herald:ConnectHook:CheckSubscribes"] = "true",
            ["Herald:ConnectHook:SubscribeUrl"] = "/herald/subscribe",
        });

        Assert.Contains("Herald:ConnectHook:Url must be an absolute http or https URL, such as https://app.example/herald/connect (was 'ftp://app.example/connect').", failures);
        Assert.Contains("Herald:ConnectHook:SubscribeUrl must be an absolute http or https URL, such as https://app.example/herald/connect (was '/herald/subscribe').", failures);
    }

    [Fact]
    public void Validate_UrlWithUserInfo_FailsWithoutShowingIt()
    {
        var failure = Assert.Single(Failures(new() { ["Herald:ConnectHook:Url"] = "https://herald:s3cret@app.example/connect" }));

        Assert.Equal("Herald:ConnectHook:Url must not carry user info; give the backend a credential with Herald:ConnectHook:RequestHeaders instead.", failure);
    }

    [Fact]
    public void Validate_TimeoutNotShorterThanLoginTimeout_Fails()
    {
        var failure = Assert.Single(Failures(new()
        {
            ["Herald:LoginTimeout"] = "00:00:05",
            ["Herald:ConnectHook:Url"] = "http://127.0.0.1:5000/connect",
            ["Herald:ConnectHook:Timeout"] = "00:00:05",
        }));

        Assert.Equal("Herald:ConnectHook:Timeout (00:00:05) must be shorter than Herald:LoginTimeout (00:00:05), so that a slow hook ends a login with 4013 rather than the login timeout's 4001.", failure);
    }

    [Fact]
    public void Validate_BreakerOutOfRange_FailsNamingEachKey()
    {
        var failures = Failures(new()
        {
            ["Herald:ConnectHook:Url"] = "http://127.0.0.1:5000/connect",
            ["Herald:ConnectHook:Timeout"] = "00:00:00",
            ["Herald:ConnectHook:BreakerFailures"] = "0",
            ["Herald:ConnectHook:BreakerDuration"] = "10",
        });

        Assert.Contains("Herald:ConnectHook:Timeout must be a duration above zero and up to 01:00:00, written like 00:00:10 (was 00:00:00; note that a bare number such as 10 means days).", failures);
        Assert.Contains("Herald:ConnectHook:BreakerFailures must be between 1 and 1000 (was 0).", failures);
        Assert.Contains("Herald:ConnectHook:BreakerDuration must be a duration above zero and up to 01:00:00, written like 00:00:10 (was 10.00:00:00; note that a bare number such as 10 means days).", failures);
    }

    [Fact]
    public void Validate_ForwardHeadersNotNamesOrHopByHop_FailsNamingEach()
    {
        var failures = Failures(new()
        {
            ["Herald:ConnectHook:Url"] = "http://127.0.0.1:5000/connect",
            ["Herald:ConnectHook:ForwardHeaders:0"] = "User-Agent",
            ["Herald:ConnectHook:ForwardHeaders:1"] = "X Request",
            ["Herald:ConnectHook:ForwardHeaders:2"] = "connection",
        });

        Assert.Equal(2, failures.Count);
        Assert.Contains("Herald:ConnectHook:ForwardHeaders has 'X Request', which is not a header name (letters, digits and !#$%&'*+-.^_`|~).", failures);
        Assert.Contains("Herald:ConnectHook:ForwardHeaders has 'connection', which describes the client's connection to Herald, not the client, and is not forwarded.", failures);
    }

    [Fact]
    public void Validate_TooManyForwardHeaders_Fails()
    {
        var settings = new Dictionary<string, string?> { ["Herald:ConnectHook:Url"] = "http://127.0.0.1:5000/connect" };
        for (var i = 0; i < 33; i++)
        {
            settings[$"Herald:ConnectHook:ForwardHeaders:{i}"] = $"X-Header-{i}";
        }

        Assert.Equal("Herald:ConnectHook:ForwardHeaders may name at most 32 headers (was 33).", Assert.Single(Failures(settings)));
    }

    [Fact]
    public void Validate_RequestHeadersReservedOrUnsafe_FailsWithoutShowingTheValue()
    {
        var failures = Failures(new()
        {
            ["Herald:ConnectHook:Url"] = "http://127.0.0.1:5000/connect",
            ["Herald:ConnectHook:RequestHeaders:Content-Type"] = "text/plain",
            ["Herald:ConnectHook:RequestHeaders:Authorization"] = "Bearer s3cret\r\nX-Injected: 1",
        });

        Assert.Equal(2, failures.Count);
        Assert.Contains("Herald:ConnectHook:RequestHeaders has 'Content-Type', which Herald writes itself.", failures);
        Assert.Contains("Herald:ConnectHook:RequestHeaders:Authorization must be visible ASCII, spaces and tabs only (its value is not shown here).", failures);
        Assert.DoesNotContain(failures, failure => failure.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SubscribeSettingsWithoutUrl_Fails()
    {
        var failure = Assert.Single(Failures(new() { ["Herald:ConnectHook:CheckSubscribes"] = "true" }));

        Assert.Equal("Herald:ConnectHook:CheckSubscribes and Herald:ConnectHook:SubscribeUrl need Herald:ConnectHook:Url: subscribe checks are made by the connect hook, which is off.", failure);
    }

    [Fact]
    public void Validate_SubscribeUrlWithoutCheckSubscribes_Fails()
    {
        var failure = Assert.Single(Failures(new()
        {
            ["Herald:ConnectHook:Url"] = "http://127.0.0.1:5000/connect",
            ["Herald:ConnectHook:SubscribeUrl"] = "http://127.0.0.1:5000/subscribe",
        }));

        Assert.Equal("Herald:ConnectHook:SubscribeUrl is set but Herald:ConnectHook:CheckSubscribes is false, so it would never be called.", failure);
    }

    [Fact]
    public void Validate_HookWithUsualSettings_Succeeds()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["Herald:ConnectHook:Url"] = "http://127.0.0.1:5000/connect",
            ["Herald:ConnectHook:ForwardHeaders:0"] = "User-Agent",
            ["Herald:ConnectHook:ForwardHeaders:1"] = "Cookie",
            ["Herald:ConnectHook:RequestHeaders:Authorization"] = "Bearer s3cret",
            ["Herald:ConnectHook:CheckSubscribes"] = "true",
        });

        Assert.Equal(new Uri("http://127.0.0.1:5000/connect"), options.ConnectHook.Url);
    }

    private static HeraldOptions Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddHerald();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HeraldOptions>>().Value;
    }

    private static List<string> Failures(Dictionary<string, string?> settings) =>
        [.. Assert.Throws<OptionsValidationException>(() => Resolve(settings)).Failures];
}
