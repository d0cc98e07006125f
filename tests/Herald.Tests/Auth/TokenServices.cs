using Herald.Auth;
using Herald.Protocol;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Auth;

/// <summary>
/// Herald's services as AddHerald registers them, on a fake clock set to <see cref="TestTokens.Now"/>, without a web
/// host: the token checks as the sessions will call them, the key source and its refresher.
/// </summary>
internal sealed class TokenServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private TokenServices(ServiceProvider provider, FakeTimeProvider time, TestLogCollector logs)
    {
        _provider = provider;
        Time = time;
        Logs = logs;
    }

    public FakeTimeProvider Time { get; }

    public TestLogCollector Logs { get; }

    public TokenValidator Validator => _provider.GetRequiredService<TokenValidator>();

    public ILoginAuthority Authority => _provider.GetRequiredService<ILoginAuthority>();

    public TokenKeySource Keys => _provider.GetRequiredService<TokenKeySource>();

    /// <param name="tokens">Sets <c>Herald:Tokens</c>.</param>
    /// <param name="herald">Sets the other options.</param>
    /// <param name="contentRoot">Where relative key file paths start; the test's temporary folder.</param>
    public static TokenServices Create(Action<HeraldTokenOptions> tokens, Action<HeraldOptions>? herald = null, string? contentRoot = null)
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        var logs = new TestLogCollector();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = contentRoot ?? AppContext.BaseDirectory });
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddSingleton<TimeProvider>(time);
        services.AddHerald(options =>
        {
            herald?.Invoke(options);
            tokens(options.Tokens);
        });
        return new TokenServices(services.BuildServiceProvider(), time, logs);
    }

    /// <summary>The hosted service that loads and refreshes the keys, as the host would start it.</summary>
    public TokenKeyRefresher CreateRefresher() => ActivatorUtilities.CreateInstance<TokenKeyRefresher>(_provider);

    public async Task<LoginCheck> CheckAsync(string token) => await Validator.CheckAsync(token, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
