namespace Herald.Client;

/// <summary>Where the user stream starts when the subscriber joins it for the first time.</summary>
public enum HeraldStartPosition
{
    /// <summary>With the next message published: what was published before is not received.</summary>
    Live,

    /// <summary>
    /// With every message the server still keeps for the user (<c>{"seq":0}</c>), then live: how a fresh device
    /// catches up on what arrived while the user was away.
    /// </summary>
    Retained,
}
