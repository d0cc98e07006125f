using Microsoft.IdentityModel.Tokens;

namespace Herald.Auth;

/// <summary>
/// One key a token may be signed with, and the only algorithms it verifies: HS* for a secret, RS* and PS* for an
/// RSA key, the one ES* of an EC key's curve. Pinning them per key is what refuses algorithm confusion (an HS256
/// token "signed" with an RSA public key's bytes is never checked against that key as a secret).
/// </summary>
/// <param name="Key">The verifying key; its <see cref="SecurityKey.KeyId"/> is the JWKS <c>kid</c>, null for configured keys.</param>
/// <param name="Algorithms">The <c>alg</c> values a token verified by this key may name.</param>
/// <param name="Description">What it is and where it came from, for the log (never secret).</param>
internal sealed record TokenKey(SecurityKey Key, string[] Algorithms, string Description);
