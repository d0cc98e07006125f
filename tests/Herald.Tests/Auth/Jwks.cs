using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Tests.Auth;

/// <summary>JSON Web Key Set documents for the tests, written out field by field as an identity provider publishes them.</summary>
internal static class Jwks
{
    public static string Of(params Dictionary<string, object>[] keys) => JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = keys });

    public static Dictionary<string, object> Rsa(RSA rsa, string kid, string? alg = null, string use = "sig")
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        var key = new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["kid"] = kid,
            ["use"] = use,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (alg is not null)
        {
            key["alg"] = alg;
        }

        return key;
    }

    public static Dictionary<string, object> Ec(ECDsa ecdsa, string kid, string crv)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, object>
        {
            ["kty"] = "EC",
            ["kid"] = kid,
            ["crv"] = crv,
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
    }

    public static Dictionary<string, object> Oct(byte[] secret, string kid) => new()
    {
        ["kty"] = "oct",
        ["kid"] = kid,
        ["k"] = Base64UrlEncoder.Encode(secret),
    };

    /// <summary>The key <paramref name="rsa"/> signs with, named <paramref name="kid"/> as in its JWKS entry.</summary>
    public static RsaSecurityKey SigningKey(RSA rsa, string kid) => new(rsa) { KeyId = kid };
}
