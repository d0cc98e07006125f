using System.Buffers.Text;
using System.Security.Cryptography;

namespace Herald.Streams;

/// <summary>A stream's epoch: 8 random bytes as base64url, made when its history starts over.</summary>
internal static class StreamEpoch
{
    public static string New()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }
}
