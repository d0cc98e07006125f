using System.Text.Json;

namespace Herald.Protocol;

/// <summary>What a client text message says about logging in.</summary>
internal enum LoginParseOutcome
{
    /// <summary>Not a JSON object with a <c>uid</c> or <c>token</c> property: not a login, so it is ignored.</summary>
    NotALogin,

    /// <summary>A login whose uid or token is unusable; <c>error</c> says why.</summary>
    Invalid,

    /// <summary>A login with a usable uid, a token, or both.</summary>
    Valid,
}

/// <summary>
/// Parses the seed's login message, <c>{"uid":"123"}</c> or <c>{"token":"eyJ..."}</c> (or both: the uid must then be
/// the token's), straight from the received UTF-8 bytes.
/// </summary>
internal static class LoginMessage
{
    private static ReadOnlySpan<byte> UidProperty => "uid"u8;

    private static ReadOnlySpan<byte> TokenProperty => "token"u8;

    public static LoginParseOutcome Parse(ReadOnlySpan<byte> utf8, int maxUserIdLength, out string? userId, out string? token, out string? error)
    {
        userId = null;
        token = null;
        error = null;
        var (sawUid, sawToken) = (false, false);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
        var outcome = LoginParseOutcome.NotALogin;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return LoginParseOutcome.NotALogin;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // The first of each counts, as before: a later duplicate is skipped.
                var isUid = !sawUid && JsonStrings.ValueTextEquals(ref reader, UidProperty);
                var isToken = !isUid && !sawToken && JsonStrings.ValueTextEquals(ref reader, TokenProperty);
                reader.Read();
                if (!isUid && !isToken)
                {
                    reader.Skip();
                    continue;
                }

                (sawUid, sawToken) = (sawUid || isUid, sawToken || isToken);
                var field = isUid ? "uid" : "token";
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    error ??= $"{field} must be a string";
                    continue;
                }

                string? problem;
                if (isUid)
                {
                    problem = JsonStrings.TryGetString(ref reader, out userId) is { } invalid ? $"uid {invalid}" : UserIdRules.Validate(userId, maxUserIdLength);
                }
                else
                {
                    problem = JsonStrings.TryGetString(ref reader, out token) is { } invalid ? $"token {invalid}" : token!.Length == 0 ? "token must not be empty" : null;
                }

                error ??= problem;
            }

            if (sawUid || sawToken)
            {
                outcome = error is null ? LoginParseOutcome.Valid : LoginParseOutcome.Invalid;
            }

            // Only a complete, well-formed document counts: anything after the object is junk.
            if (reader.Read())
            {
                return Reject(out userId, out token, out error);
            }
        }
        catch (JsonException)
        {
            return Reject(out userId, out token, out error);
        }

        if (outcome != LoginParseOutcome.Valid)
        {
            (userId, token) = (null, null);
        }

        return outcome;
    }

    private static LoginParseOutcome Reject(out string? userId, out string? token, out string? error)
    {
        (userId, token, error) = (null, null, null);
        return LoginParseOutcome.NotALogin;
    }
}
