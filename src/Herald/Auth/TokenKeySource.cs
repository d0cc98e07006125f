using System.Text;
using Herald.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Auth;

/// <summary>
/// Holds the current <see cref="TokenKeySet"/>: the configured keys, read once, and the JWKS, loaded from its file or
/// URL when asked (by <see cref="TokenKeyRefresher"/> at start and on its schedule, and by a token whose key is not
/// loaded). Only one load runs at a time; every caller that asks meanwhile waits for that one. A failed load keeps
/// the keys already loaded.
/// </summary>
internal sealed partial class TokenKeySource : IDisposable
{
    private readonly HeraldTokenOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ILogger _logger;
    private readonly string? _jwksFile;
    private readonly Uri? _jwksUrl;
    private readonly TokenKey[] _configured;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TokenKeySet _current;
    private Task<bool>? _load;
    private DateTimeOffset? _lastLoadStarted;
    private string? _lastDocument;

    public TokenKeySource(HeraldOptions options, TimeProvider timeProvider, IHttpClientFactory httpClientFactory, ILoggerFactory loggerFactory, IHostEnvironment? environment = null)
    {
        _options = options.Tokens;
        _timeProvider = timeProvider;
        _httpClientFactory = httpClientFactory;
        _logger = loggerFactory.CreateLogger(LogCategories.Tokens);
        if (HeraldTokenOptions.HasText(_options.JwksFile))
        {
            _jwksFile = TokenKeyReader.FullPath(_options.JwksFile!, environment);
        }
        else if (HeraldTokenOptions.HasText(_options.JwksUrl))
        {
            _jwksUrl = new Uri(_options.JwksUrl!, UriKind.Absolute);
        }

        _configured = [.. ConfiguredKeys(_options, environment)];
        _current = new TokenKeySet(_configured, jwks: null);
    }

    public TokenKeySet Current => Volatile.Read(ref _current);

    /// <summary>Whether a JWKS (file or URL) is configured, whose keys can be loaded again.</summary>
    public bool HasJwks => JwksSource is not null;

    /// <summary>The JWKS file's full path or the URL, for the log; null without a JWKS.</summary>
    public string? JwksSource => _jwksFile ?? _jwksUrl?.OriginalString;

    /// <summary>Logs the configured keys, once at start.</summary>
    public void LogConfiguredKeys()
    {
        if (_configured.Length > 0 && _logger.IsEnabled(LogLevel.Information))
        {
            var described = Describe(_configured);
            Log.KeysLoaded(_logger, "configuration", _configured.Length, described);
        }
    }

    /// <summary>Loads the JWKS now, or waits for the load already running.</summary>
    /// <returns>Whether that load succeeded.</returns>
    public Task<bool> LoadAsync()
    {
        lock (_gate)
        {
            return _load is { IsCompleted: false } running ? running : StartLoad();
        }
    }

    /// <summary>
    /// For a token whose key is not in <see cref="Current"/> (an unknown <c>kid</c>, or no JWKS loaded yet): loads the
    /// JWKS again, unless a load started less than <see cref="HeraldTokenOptions.JwksMinRefreshInterval"/> ago, so
    /// that tokens naming made-up key IDs cannot make Herald fetch the JWKS over and over.
    /// </summary>
    /// <param name="keyId">The token's <c>kid</c>, for the log; null when it names none.</param>
    public Task LoadForUnknownKeyAsync(string? keyId)
    {
        lock (_gate)
        {
            if (_load is { IsCompleted: false } running)
            {
                return running;
            }

            if (_lastLoadStarted is { } last && _timeProvider.GetUtcNow() - last < _options.JwksMinRefreshInterval)
            {
                return Task.CompletedTask;
            }

            Log.UnknownKeyLoading(_logger, keyId is null ? "-" : LogText.Escape(keyId), JwksSource!);
            return StartLoad();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private Task<bool> StartLoad()
    {
        _lastLoadStarted = _timeProvider.GetUtcNow();
        return _load = LoadJwksAsync();
    }

    private async Task<bool> LoadJwksAsync()
    {
        var source = JwksSource!;
        string document;
        try
        {
            document = _jwksFile is not null
                ? await File.ReadAllTextAsync(_jwksFile, _stopping.Token)
                : await _httpClientFactory.CreateClient(HeraldTokenOptions.JwksHttpClientName).GetStringAsync(_jwksUrl, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or HttpRequestException or TaskCanceledException)
        {
            // HttpClient reports its own timeout as a TaskCanceledException.
            LogFailure(source, exception is TaskCanceledException ? "the request timed out" : exception.Message);
            return false;
        }

        if (document == _lastDocument)
        {
            return true;
        }

        if (TokenKeyReader.ReadJwks(document, out var problem) is not { } read)
        {
            LogFailure(source, $"it {problem}");
            return false;
        }

        foreach (var skipped in read.Skipped)
        {
            Log.KeySkipped(_logger, source, LogText.Escape(skipped));
        }

        Volatile.Write(ref _current, new TokenKeySet(_configured, read.Keys));
        _lastDocument = document;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var described = Describe(read.Keys);
            Log.KeysLoaded(_logger, source, read.Keys.Length, described);
        }

        return true;
    }

    // A JWKS key's description holds its kid, which is the identity provider's text.
    private static string Describe(TokenKey[] keys) => string.Join("; ", keys.Select(key => LogText.Escape(key.Description)));

    private void LogFailure(string source, string problem)
    {
        var loaded = Current.JwksLoaded
            ? "the keys loaded before stay in use"
            : "tokens that need its keys are refused with 4013 until it loads";
        Log.KeysLoadFailed(_logger, source, LogText.Escape(problem), loaded);
    }

    private static IEnumerable<TokenKey> ConfiguredKeys(HeraldTokenOptions options, IHostEnvironment? environment)
    {
        if (HeraldTokenOptions.HasText(options.Secret))
        {
            yield return TokenKeyReader.FromSecret(Encoding.UTF8.GetBytes(options.Secret!), "Herald:Tokens:Secret");
        }

        if (HeraldTokenOptions.HasText(options.SecretBase64))
        {
            yield return TokenKeyReader.FromSecret(Convert.FromBase64String(options.SecretBase64!), "Herald:Tokens:SecretBase64");
        }

        foreach (var path in options.PublicKeyFiles)
        {
            var fullPath = TokenKeyReader.FullPath(path, environment);

            // The options validator has read every file already; this fails only if one changed since.
            yield return TokenKeyReader.ReadPublicKeyFile(fullPath, out var problem)
                ?? throw new InvalidOperationException($"Herald:Tokens:PublicKeyFiles: {fullPath} {problem}.");
        }
    }
}
