using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Auth;

/// <summary>The keys of one JWKS document: those Herald verifies with, and why each other one was left out.</summary>
internal sealed record JwksKeys(TokenKey[] Keys, string[] Skipped);

/// <summary>
/// Turns configured key material (a secret, a PEM file, a JWKS document) into <see cref="TokenKey"/>s, each with the
/// algorithms it may verify. Everything it refuses comes back as a sentence for a start-up failure or a log line.
/// </summary>
internal static class TokenKeyReader
{
    // NIST SP 800-57 and RFC 7518 (section 3.3): RSA keys below 2048 bits are no longer safe to trust.
    private const int MinRsaBits = 2048;

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    private static readonly string[] RsaAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    /// <summary>
    /// The HMAC key of a secret of at least <see cref="HeraldTokenOptions.MinSecretBytes"/> bytes. Each HS
    /// algorithm needs a secret at least as long as its hash (RFC 7518, section 3.2), so a 32-byte secret verifies
    /// HS256 only.
    /// </summary>
    public static TokenKey FromSecret(byte[] secret, string origin)
    {
        string[] algorithms = secret.Length >= 64 ? [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512]
            : secret.Length >= 48 ? [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384]
            : [SecurityAlgorithms.HmacSha256];
        return new TokenKey(new SymmetricSecurityKey(secret), algorithms, $"the {secret.Length}-byte secret of {origin}");
    }

    /// <summary>
    /// Where a configured key file is: a relative path starts at the content root, as Kestrel's certificate paths
    /// do, or at the current directory when Herald runs without a host.
    /// </summary>
    public static string FullPath(string path, IHostEnvironment? environment) =>
        Path.GetFullPath(path, environment?.ContentRootPath ?? Directory.GetCurrentDirectory());

    /// <summary>Reads the one public key of a PEM file.</summary>
    /// <returns>Null with <paramref name="problem"/> saying what is wrong with the file.</returns>
    public static TokenKey? ReadPublicKeyFile(string path, out string? problem)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read ({exception.Message})";
            return null;
        }

        return ReadPem(text, $"the PEM file {path}", out problem);
    }

    /// <summary>Reads the RSA and EC signing keys of a JWKS document.</summary>
    /// <returns>Null with <paramref name="problem"/> when the document is no key set, or holds no key Herald can use.</returns>
    public static JwksKeys? ReadJwks(string json, out string? problem)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException)
        {
            problem = $"is not a JSON Web Key Set ({exception.Message})";
            return null;
        }

        var keys = new List<TokenKey>();
        var skipped = new List<string>();
        foreach (var jwk in set.Keys)
        {
            if (FromJsonWebKey(jwk, out var reason) is { } key)
            {
                keys.Add(key);
            }
            else
            {
                skipped.Add($"key {(string.IsNullOrEmpty(jwk.Kid) ? "without kid" : $"'{jwk.Kid}'")} {reason}");
            }
        }

        if (keys.Count == 0)
        {
            problem = skipped.Count == 0 ? "holds no key" : $"holds no usable signing key ({string.Join("; ", skipped)})";
            return null;
        }

        problem = null;
        return new JwksKeys([.. keys], [.. skipped]);
    }

    private static TokenKey? ReadPem(string text, string origin, out string? problem)
    {
        var rest = text.AsSpan();
        var blocks = 0;
        string? label = null;
        byte[]? data = null;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (blocks++ == 0)
            {
                label = rest[fields.Label].ToString();
                data = Convert.FromBase64String(rest[fields.Base64Data].ToString());
            }

            rest = rest[fields.Location.End..];
        }

        if (blocks != 1 || label is null || data is null)
        {
            problem = blocks == 0
                ? "holds no PEM block (-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)"
                : $"holds {blocks} PEM blocks; give one public key per file";
            return null;
        }

        try
        {
            switch (label)
            {
                case "PUBLIC KEY":
                    return FromPublicKey(PublicKey.CreateFromSubjectPublicKeyInfo(data, out _), origin, out problem);
                case "RSA PUBLIC KEY":
                    var rsa = RSA.Create();
                    rsa.ImportRSAPublicKey(data, out _);
                    return FromRsa(rsa, null, null, origin, out problem);
                case "CERTIFICATE":
                    using (var certificate = X509CertificateLoader.LoadCertificate(data))
                    {
                        return FromPublicKey(certificate.PublicKey, $"{origin} (certificate {certificate.Subject})", out problem);
                    }

                default:
                    problem = label.Contains("PRIVATE KEY", StringComparison.Ordinal)
                        ? "holds a private key; give only its public key (openssl pkey -in key.pem -pubout)"
                        : $"holds a '{label}' block, not a PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE";
                    return null;
            }
        }
        catch (CryptographicException exception)
        {
            problem = $"holds a {label} that cannot be read ({exception.Message})";
            return null;
        }
    }

    private static TokenKey? FromPublicKey(PublicKey publicKey, string origin, out string? problem)
    {
        switch (publicKey.Oid.Value)
        {
            case RsaOid:
                return FromRsa(publicKey.GetRSAPublicKey()!, null, null, origin, out problem);
            case EcOid:
                return FromEc(publicKey.GetECDsaPublicKey()!, null, null, origin, out problem);
            default:
                problem = $"holds a {publicKey.Oid.FriendlyName ?? publicKey.Oid.Value} key, neither RSA nor EC";
                return null;
        }
    }

    private static TokenKey? FromJsonWebKey(JsonWebKey jwk, out string? problem)
    {
        if (!string.IsNullOrEmpty(jwk.Use) && jwk.Use != JsonWebKeyUseNames.Sig)
        {
            problem = $"is for use '{jwk.Use}', not 'sig'";
            return null;
        }

        if (jwk.KeyOps.Count > 0 && !jwk.KeyOps.Contains("verify"))
        {
            problem = "has key_ops without 'verify'";
            return null;
        }

        var kid = string.IsNullOrEmpty(jwk.Kid) ? null : jwk.Kid;
        var alg = string.IsNullOrEmpty(jwk.Alg) ? null : jwk.Alg;
        try
        {
            switch (jwk.Kty)
            {
                case JsonWebAlgorithmsKeyTypes.RSA when jwk.N is { Length: > 0 } && jwk.E is { Length: > 0 }:
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(jwk.N), Exponent = Base64UrlEncoder.DecodeBytes(jwk.E) });
                    return FromRsa(rsa, kid, alg, origin: null, out problem);
                case JsonWebAlgorithmsKeyTypes.EllipticCurve when jwk.X is { Length: > 0 } && jwk.Y is { Length: > 0 } && CurveOf(jwk.Crv) is { } curve:
                    var ecdsa = ECDsa.Create(new ECParameters
                    {
                        Curve = curve,
                        Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
                    });
                    return FromEc(ecdsa, kid, alg, origin: null, out problem);
                case JsonWebAlgorithmsKeyTypes.RSA:
                    problem = "is an RSA key without n and e";
                    return null;
                case JsonWebAlgorithmsKeyTypes.EllipticCurve:
                    problem = $"is an EC key without x and y on P-256, P-384 or P-521 (crv '{jwk.Crv}')";
                    return null;
                case JsonWebAlgorithmsKeyTypes.Octet:
                    // A key set is published for anyone to read: a secret in it would let anyone sign tokens.
                    problem = "is a shared secret ('oct'), which a key set must not publish; set Herald:Tokens:Secret instead";
                    return null;
                default:
                    problem = $"has key type '{jwk.Kty}', not RSA or EC";
                    return null;
            }
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            problem = $"cannot be read ({exception.Message})";
            return null;
        }
    }

    // origin: where a configured key came from; null for a JWKS key, whose log line names the source.
    private static TokenKey? FromRsa(RSA rsa, string? kid, string? alg, string? origin, out string? problem)
    {
        if (rsa.KeySize < MinRsaBits)
        {
            problem = $"is a {rsa.KeySize}-bit RSA key; at least {MinRsaBits} bits are required";
            rsa.Dispose();
            return null;
        }

        if (alg is not null && !RsaAlgorithms.Contains(alg, StringComparer.Ordinal))
        {
            problem = $"is an RSA key for alg '{alg}', which is no RSA signature algorithm";
            rsa.Dispose();
            return null;
        }

        problem = null;
        var what = From($"a {rsa.KeySize}-bit RSA key", origin);
        return new TokenKey(new RsaSecurityKey(rsa) { KeyId = kid }, alg is null ? RsaAlgorithms : [alg], Named(kid, what));
    }

    private static TokenKey? FromEc(ECDsa ecdsa, string? kid, string? alg, string? origin, out string? problem)
    {
        var (curve, curveAlgorithm) = ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value switch
        {
            "1.2.840.10045.3.1.7" => (JsonWebKeyECTypes.P256, SecurityAlgorithms.EcdsaSha256),
            "1.3.132.0.34" => (JsonWebKeyECTypes.P384, SecurityAlgorithms.EcdsaSha384),
            "1.3.132.0.35" => (JsonWebKeyECTypes.P521, SecurityAlgorithms.EcdsaSha512),
            _ => (null, null),
        };
        if (curve is null || curveAlgorithm is null)
        {
            problem = "is an EC key on a curve other than P-256, P-384 or P-521";
            ecdsa.Dispose();
            return null;
        }

        // An EC key verifies the one algorithm of its curve (RFC 7518, section 3.4).
        if (alg is not null && alg != curveAlgorithm)
        {
            problem = $"is a {curve} key for alg '{alg}'; that curve signs {curveAlgorithm} only";
            ecdsa.Dispose();
            return null;
        }

        problem = null;
        var what = From($"an EC {curve} key", origin);
        return new TokenKey(new ECDsaSecurityKey(ecdsa) { KeyId = kid }, [curveAlgorithm], Named(kid, what));
    }

    private static string Named(string? kid, string what) => kid is null ? what : $"key '{kid}', {what}";

    private static string From(string what, string? origin) => origin is null ? what : $"{what} from {origin}";

    private static ECCurve? CurveOf(string? crv) => crv switch
    {
        JsonWebKeyECTypes.P256 => ECCurve.NamedCurves.nistP256,
        JsonWebKeyECTypes.P384 => ECCurve.NamedCurves.nistP384,
        JsonWebKeyECTypes.P521 => ECCurve.NamedCurves.nistP521,
        _ => null,
    };
}
