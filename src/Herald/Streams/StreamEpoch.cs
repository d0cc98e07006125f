using System.Buffers.Text;

namespace Herald.Streams;

/// <summary>
/// A stream's epoch: 8 random bytes as base64url, made when its history starts over. It must differ from every
/// epoch the stream had, not be unguessable (a resume reaches only streams the connection may read), so the shared
/// fast generator serves: the Redis backplane makes one for every publish, in case the stream has none.
/// </summary>
internal static class StreamEpoch
{
    public static string New()
    {
        Span<byte> random = stackalloc byte[8];
        Random.Shared.NextBytes(random);
        return Base64Url.EncodeToString(random);
    }
}
