namespace Herald;

/// <summary>
/// Token (JWT) login, bound from <c>Herald:Tokens</c> and validated at start. Tokens are checked once any key source
/// is set (<see cref="Secret"/>, <see cref="SecretBase64"/>, <see cref="PublicKeyFiles"/>, <see cref="JwksFile"/>
/// or <see cref="JwksUrl"/>). docs/security.md describes what a token must hold, docs/configuration.md every key.
/// </summary>
public sealed class HeraldTokenOptions
{
    /// <summary>
    /// The name of the <see cref="System.Net.Http.HttpClient"/> that fetches <see cref="JwksUrl"/> (through
    /// <c>IHttpClientFactory</c>): an embedding app may add a proxy or a handler to it with <c>AddHttpClient(name)</c>.
    /// </summary>
    public const string JwksHttpClientName = "Herald.Jwks";

    /// <summary>
    /// Shortest HMAC secret accepted, in bytes: the HS256 minimum of RFC 7518 (section 3.2). HS384 is accepted
    /// only with a secret of 48 bytes or more, HS512 with 64 or more.
    /// </summary>
    public const int MinSecretBytes = 32;

    /// <summary>Default for <see cref="TopicsClaim"/>.</summary>
    public const string DefaultTopicsClaim = "topics";

    /// <summary>Default for <see cref="ClockSkew"/>.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Default for <see cref="JwksRefreshInterval"/>.</summary>
    public static readonly TimeSpan DefaultJwksRefreshInterval = TimeSpan.FromHours(1);

    /// <summary>Default for <see cref="JwksMinRefreshInterval"/>.</summary>
    public static readonly TimeSpan DefaultJwksMinRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>Default for <see cref="RefreshNotice"/>.</summary>
    public static readonly TimeSpan DefaultRefreshNotice = TimeSpan.FromMinutes(1);

    /// <summary>The HMAC shared secret (HS256, HS384, HS512) as text, used as its UTF-8 bytes; at least 32 bytes.</summary>
    public string? Secret { get; set; }

    /// <summary>The HMAC shared secret in base64, for a secret that is not text; at least 32 bytes once decoded.</summary>
    public string? SecretBase64 { get; set; }

    /// <summary>
    /// PEM files, one public key each (RSA or EC, as <c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c> or <c>CERTIFICATE</c>).
    /// A relative path is relative to the content root.
    /// </summary>
    public IList<string> PublicKeyFiles { get; } = [];

    /// <summary>A JSON Web Key Set file (RSA and EC keys), read at start and again at every refresh.</summary>
    public string? JwksFile { get; set; }

    /// <summary>
    /// A JSON Web Key Set URL (RSA and EC keys): <c>https</c>, or <c>http</c> to a loopback address only. Fetched at
    /// start and in the background.
    /// </summary>
    public string? JwksUrl { get; set; }

    /// <summary>How often the JWKS is fetched (or its file read) again while every fetch succeeds.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = DefaultJwksRefreshInterval;

    /// <summary>
    /// Shortest time between two JWKS fetches that a token can cause (one naming an unknown key ID, or arriving
    /// before the keys are loaded), and the first retry delay after a failed fetch.
    /// </summary>
    public TimeSpan JwksMinRefreshInterval { get; set; } = DefaultJwksMinRefreshInterval;

    /// <summary>The issuer (<c>iss</c>) a token must name; with <see cref="ValidIssuers"/>, any of them.</summary>
    public string? Issuer { get; set; }

    /// <summary>More accepted issuers, beside <see cref="Issuer"/>.</summary>
    public IList<string> ValidIssuers { get; } = [];

    /// <summary>The audience (<c>aud</c>) a token must name; with <see cref="ValidAudiences"/>, any of them.</summary>
    public string? Audience { get; set; }

    /// <summary>More accepted audiences, beside <see cref="Audience"/>.</summary>
    public IList<string> ValidAudiences { get; } = [];

    /// <summary>How far the issuer's clock may be from this server's when <c>exp</c> and <c>nbf</c> are checked.</summary>
    public TimeSpan ClockSkew { get; set; } = DefaultClockSkew;

    /// <summary>Whether a token without <c>exp</c> is refused.</summary>
    public bool RequireExpiration { get; set; } = true;

    /// <summary>
    /// The claim that lists the topics a token grants: a JSON array of strings or one space-separated string of
    /// topic names and prefix patterns (<c>orders:*</c>, or <c>*</c> for every topic).
    /// </summary>
    public string TopicsClaim { get; set; } = DefaultTopicsClaim;

    /// <summary>How long before its token expires a herald.v1 connection is told to refresh it.</summary>
    public TimeSpan RefreshNotice { get; set; } = DefaultRefreshNotice;

    /// <summary>Whether any key source is set, which turns token logins on.</summary>
    internal bool IsConfigured =>
        HasText(Secret) || HasText(SecretBase64) || PublicKeyFiles.Count > 0 || HasText(JwksFile) || HasText(JwksUrl);

    internal static bool HasText(string? value) => !string.IsNullOrWhiteSpace(value);
}
