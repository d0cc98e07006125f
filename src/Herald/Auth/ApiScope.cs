namespace Herald.Auth;

/// <summary>What an API key may call. A scope allows everything a lower one does, so they compare as numbers.</summary>
internal enum ApiScope
{
    /// <summary><c>/send</c>, <c>POST /api/v1/publish</c> and its <c>/batch</c>.</summary>
    Publish = 1,

    /// <summary>Everything: publishing, and stats, user presence, disconnect and metrics.</summary>
    Admin = 2,
}
