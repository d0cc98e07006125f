using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost, made in memory for one test. Clients trust it
/// and nothing else: <see cref="Validate"/> accepts a server certificate only by its SHA-256 thumbprint.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private TestCertificate(X509Certificate2 certificate)
    {
        Certificate = certificate;
        Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The SHA-256 of the certificate, in hex.</summary>
    public string Thumbprint { get; }

    public static TestCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Herald test server", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Through PKCS#12 and back, so the key is one TLS can use on every platform, not an ephemeral one.
        return new TestCertificate(X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable));
    }

    /// <summary>A client's check of the server: this certificate, exactly; never "accept anything".</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), Thumbprint, StringComparison.OrdinalIgnoreCase);

    /// <summary>An HTTP handler that trusts this certificate only.</summary>
    public SocketsHttpHandler CreateHandler() => new() { SslOptions = { RemoteCertificateValidationCallback = Validate } };

    /// <summary>Writes the certificate and key as a password-protected PFX.</summary>
    public void WritePfx(string path, string password) => File.WriteAllBytes(path, Certificate.Export(X509ContentType.Pkcs12, password));

    /// <summary>Writes the certificate and its unencrypted private key as two PEM files.</summary>
    public void WritePem(string certificatePath, string keyPath)
    {
        File.WriteAllText(certificatePath, Certificate.ExportCertificatePem());
        using var key = Certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose() => Certificate.Dispose();
}
