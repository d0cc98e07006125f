using System.Text.Json;

namespace Herald.Protocol;

/// <summary>What a client text message says about logging in.</summary>
internal enum LoginParseOutcome
{
    /// <summary>Not a JSON object with a <c>uid</c> property: not a login, so it is ignored.</summary>
    NotALogin,

    /// <summary>A login whose uid is unusable; <c>error</c> says why.</summary>
    Invalid,

    /// <summary>A login with a usable uid.</summary>
    Valid,
}

/// <summary>Parses the seed's login message, <c>{"uid":"123"}</c>, straight from the received UTF-8 bytes.</summary>
internal static class LoginMessage
{
    private static ReadOnlySpan<byte> UidProperty => "uid"u8;

    public static LoginParseOutcome Parse(ReadOnlySpan<byte> utf8, int maxUserIdLength, out string? userId, out string? error)
    {
        userId = null;
        error = null;
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
                var isUid = outcome == LoginParseOutcome.NotALogin && JsonStrings.ValueTextEquals(ref reader, UidProperty);
                reader.Read();
                if (!isUid)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    error = "uid must be a string";
                    outcome = LoginParseOutcome.Invalid;
                    continue;
                }

                error = JsonStrings.TryGetString(ref reader, out userId) is { } problem
                    ? $"uid {problem}"
                    : UserIdRules.Validate(userId, maxUserIdLength);
                outcome = error is null ? LoginParseOutcome.Valid : LoginParseOutcome.Invalid;
            }

            // Only a complete, well-formed document counts: anything after the object is junk.
            if (reader.Read())
            {
                return Reject(out userId, out error);
            }
        }
        catch (JsonException)
        {
            return Reject(out userId, out error);
        }

        if (outcome != LoginParseOutcome.Valid)
        {
            userId = null;
        }

        return outcome;
    }

    private static LoginParseOutcome Reject(out string? userId, out string? error)
    {
        userId = null;
        error = null;
        return LoginParseOutcome.NotALogin;
    }
}
