using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Auth;

/// <summary>
/// Checks a token (JWT) with <see cref="JsonWebTokenHandler"/> against the current <see cref="TokenKeySet"/> and says
/// who it proves the connection is. Only signed tokens pass, each verified only by a key whose type its <c>alg</c>
/// belongs to (<see cref="TokenKey"/>); <c>iss</c> and <c>aud</c> are checked when configured, <c>exp</c> and
/// <c>nbf</c> always, with <see cref="HeraldTokenOptions.ClockSkew"/>. A token whose key is not loaded makes the
/// JWKS load again (at most once per <see cref="HeraldTokenOptions.JwksMinRefreshInterval"/>) and is checked once
/// more. What it proves is copied into a <see cref="ConnectionIdentity"/>; nothing of the token itself is kept.
/// </summary>
internal sealed class TokenValidator
{
    // A close reason may hold 123 bytes (RFC 6455, section 5.5); the rest is room for whatever frames it.
    private const int MaxReasonBytes = 100;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenKeySource _keys;
    private readonly HeraldTokenOptions _options;
    private readonly int _maxUserIdLength;
    private readonly TimeProvider _timeProvider;
    private readonly string[] _issuers;
    private readonly string[] _audiences;
    private Prepared? _prepared;

    public TokenValidator(HeraldOptions options, TokenKeySource keys, TimeProvider timeProvider)
    {
        _options = options.Tokens;
        _keys = keys;
        _maxUserIdLength = options.MaxUserIdLength;
        _timeProvider = timeProvider;
        _issuers = [.. Together(_options.Issuer, _options.ValidIssuers)];
        _audiences = [.. Together(_options.Audience, _options.ValidAudiences)];
    }

    /// <summary>Whether token logins are on: some key source is configured.</summary>
    public bool IsConfigured => _options.IsConfigured;

    public async ValueTask<LoginCheck> CheckAsync(string token, CancellationToken cancellationToken)
    {
        var prepared = Prepare();
        var result = await _handler.ValidateTokenAsync(token, prepared.Parameters);
        if (!result.IsValid && KeyNotLoaded(result, prepared.Keys, out var keyId))
        {
            await _keys.LoadForUnknownKeyAsync(keyId).WaitAsync(cancellationToken);
            var reloaded = Prepare();
            if (!ReferenceEquals(reloaded.Keys, prepared.Keys))
            {
                prepared = reloaded;
                result = await _handler.ValidateTokenAsync(token, prepared.Parameters);
            }
        }

        return result.IsValid ? Identify((JsonWebToken)result.SecurityToken) : Refusal(result, prepared.Keys);
    }

    /// <summary>The validation parameters of the current key set, built again only when the set has changed.</summary>
    private Prepared Prepare()
    {
        var keys = _keys.Current;
        var prepared = Volatile.Read(ref _prepared);
        if (prepared is null || !ReferenceEquals(prepared.Keys, keys))
        {
            prepared = new Prepared(keys, CreateParameters(keys));
            Volatile.Write(ref _prepared, prepared);
        }

        return prepared;
    }

    private TokenValidationParameters CreateParameters(TokenKeySet keys) => new()
    {
        // The set picks the keys by kid itself (TokenKeySet.Candidates), so IdentityModel must not fall back to
        // trying every key: that would verify a token with an unknown kid against each JWKS key in turn.
        IssuerSigningKeyResolver = (_, _, keyId, _) => keys.Candidates(keyId),
        TryAllIssuerSigningKeys = false,
        AlgorithmValidator = (algorithm, key, _, _) => keys.Allows(key, algorithm),
        RequireSignedTokens = true,
        ValidateIssuer = _issuers.Length > 0,
        ValidIssuers = _issuers,
        ValidateAudience = _audiences.Length > 0,
        ValidAudiences = _audiences,
        ValidateLifetime = true,

        // IdentityModel reads the clock through a TimeProvider it does not let callers set, so the lifetime
        // check is Herald's own, on the injected clock; it throws the exceptions IdentityModel's would.
        LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires),

        // The failed token is needed to say why it failed (its kid, alg, whether it is signed at all).
        IncludeTokenOnFailedValidation = true,
    };

    /// <summary>
    /// The checks of IdentityModel's own lifetime validation (ValidatorUtilities.ValidateLifetime), on the injected
    /// clock: <c>exp</c> when required, <c>nbf</c> not after <c>exp</c>, and now within [nbf − skew, exp + skew].
    /// </summary>
    private bool CheckLifetime(DateTime? notBefore, DateTime? expires)
    {
        if (expires is null && _options.RequireExpiration)
        {
            throw new SecurityTokenNoExpirationException("the token has no exp");
        }

        if (notBefore > expires)
        {
            throw new SecurityTokenInvalidLifetimeException("the token's nbf is after its exp") { NotBefore = notBefore, Expires = expires };
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (notBefore is { } start && start > now + _options.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException($"nbf {start:O} is after now {now:O} plus the clock skew") { NotBefore = start };
        }

        if (expires is { } end && end < now - _options.ClockSkew)
        {
            throw new SecurityTokenExpiredException($"exp {end:O} is before now {now:O} minus the clock skew") { Expires = end };
        }

        return true;
    }

    /// <summary>Whether the token failed only because its key is not loaded: an unknown kid, or no JWKS loaded yet.</summary>
    private bool KeyNotLoaded(TokenValidationResult result, TokenKeySet keys, out string? keyId)
    {
        keyId = (result.TokenOnFailedValidation as JsonWebToken)?.Kid is { Length: > 0 } kid ? kid : null;
        return result.Exception is SecurityTokenSignatureKeyNotFoundException
            && _keys.HasJwks
            && (!keys.JwksLoaded || (keyId is not null && !keys.KnowsKeyId(keyId)));
    }

    private LoginCheck Identify(JsonWebToken token)
    {
        var userId = token.Subject;
        if (UserIdRules.Validate(userId, _maxUserIdLength, "sub") is { } invalidSubject)
        {
            return Invalid($"token {invalidSubject}");
        }

        if (ReadTopics(token, out var topicsProblem) is not { } topics)
        {
            return Invalid($"token {_options.TopicsClaim} claim {topicsProblem}", topicsProblem);
        }

        // The connection may live as long as this server accepts the token: up to exp plus the clock skew, so that a
        // token accepted within the skew is not closed at once as expired.
        DateTimeOffset? expiresAt = token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out _) ? Utc(token.ValidTo) + _options.ClockSkew : null;
        return LoginCheck.Accept(new ConnectionIdentity(userId, topics, expiresAt, IdentitySource.Token));
    }

    /// <summary>The topics claim as grants: absent (or null) grants none; a JSON array of strings or one space-separated string lists them.</summary>
    private TopicGrants? ReadTopics(JsonWebToken token, out string? problem)
    {
        problem = null;
        if (!token.TryGetPayloadValue<object>(_options.TopicsClaim, out var value) || value is null)
        {
            return TopicGrants.None;
        }

        IEnumerable<string> entries;
        switch (value)
        {
            case string text:
                entries = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                break;

            // IdentityModel reads a string in the round-trip date format as a DateTime; "O" gives back its text.
            case DateTime moment:
                entries = [moment.ToString("O", CultureInfo.InvariantCulture)];
                break;
            case JsonElement { ValueKind: JsonValueKind.Array } array when array.EnumerateArray().All(entry => entry.ValueKind == JsonValueKind.String):
                entries = [.. array.EnumerateArray().Select(entry => entry.GetString()!)];
                break;
            default:
                problem = "must be a JSON array of strings or a space-separated string";
                return null;
        }

        return TopicGrants.Parse(entries, out problem);
    }

    private LoginCheck Refusal(TokenValidationResult result, TokenKeySet keys)
    {
        var exception = result.Exception;
        var failure = $"{exception.GetType().Name}: {exception.Message}";
        if (result.TokenOnFailedValidation is not JsonWebToken token)
        {
            return Invalid("token is not a well-formed JWT", failure);
        }

        if (token.IsEncrypted)
        {
            return Invalid("token is encrypted (JWE), which is not accepted", failure);
        }

        if (!token.IsSigned)
        {
            return Invalid("token is not signed (alg none is refused)", $"alg '{token.Alg}' without a signature");
        }

        if (exception is SecurityTokenSignatureKeyNotFoundException && _keys.HasJwks && !keys.JwksLoaded)
        {
            return LoginCheck.Refuse(LoginVerdict.Unavailable, "token keys are not loaded yet; try again later", $"no key set has loaded from {_keys.JwksSource} yet");
        }

        if (!keys.Accepts(token.Alg))
        {
            return Invalid("token algorithm is not accepted", $"alg '{token.Alg}'; the configured keys verify {string.Join(", ", keys.AcceptedAlgorithms)}");
        }

        var keyId = string.IsNullOrEmpty(token.Kid) ? null : token.Kid;
        return exception switch
        {
            SecurityTokenExpiredException expired => LoginCheck.Refuse(
                LoginVerdict.Expired, $"token expired at {Format(Utc(expired.Expires))}", $"{Clock()}, clock skew {_options.ClockSkew:c}"),
            SecurityTokenNotYetValidException early => Invalid($"token is not valid before {Format(Utc(early.NotBefore))}", $"{Clock()}, clock skew {_options.ClockSkew:c}"),
            SecurityTokenNoExpirationException => Invalid("token has no exp"),
            SecurityTokenInvalidLifetimeException => Invalid("token nbf is after its exp"),
            SecurityTokenInvalidIssuerException => Invalid("token issuer is not accepted", $"iss '{token.Issuer}'"),
            SecurityTokenInvalidAudienceException => Invalid("token audience is not accepted", $"aud '{string.Join("', '", token.Audiences)}'"),
            SecurityTokenSignatureKeyNotFoundException when keyId is not null && _keys.HasJwks && !keys.KnowsKeyId(keyId) =>
                Invalid("token key ID is not known", $"kid '{keyId}' is not among the keys loaded from {_keys.JwksSource}"),
            SecurityTokenInvalidAlgorithmException => Invalid("token algorithm is not accepted", failure),
            SecurityTokenInvalidSignatureException => Invalid("token signature is not valid", failure),
            _ => Invalid("token is not valid", failure),
        };
    }

    private string Clock() => $"now {Format(_timeProvider.GetUtcNow())}";

    private static LoginCheck Invalid(string reason, string? detail = null) => LoginCheck.Refuse(LoginVerdict.InvalidToken, Fit(reason), detail);

    private static DateTimeOffset Utc(DateTime moment) => new(DateTime.SpecifyKind(moment, DateTimeKind.Utc));

    private static string Format(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><paramref name="reason"/>, cut to <see cref="MaxReasonBytes"/> bytes of UTF-8 (ending in "…") when longer.</summary>
    private static string Fit(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= MaxReasonBytes)
        {
            return reason;
        }

        const string Ellipsis = "…";
        var length = reason.Length;
        while (length > 0 && (char.IsHighSurrogate(reason[length - 1]) || Encoding.UTF8.GetByteCount(reason.AsSpan(0, length)) > MaxReasonBytes - Encoding.UTF8.GetByteCount(Ellipsis)))
        {
            length--;
        }

        return string.Concat(reason.AsSpan(0, length), Ellipsis);
    }

    private static IEnumerable<string> Together(string? one, IList<string> more) =>
        HeraldTokenOptions.HasText(one) ? [one!, .. more] : more;

    /// <summary>A key set and the validation parameters that use it.</summary>
    private sealed record Prepared(TokenKeySet Keys, TokenValidationParameters Parameters);
}
