using Herald.Diagnostics;

namespace Herald.Connections;

/// <summary>
/// Why an upgrade is refused before its 101: the HTTP status and problem details the client gets, and the log's
/// reason; for a limit, which one (counted and logged by it) and the <c>Retry-After</c> seconds sent.
/// </summary>
internal sealed record UpgradeRefusal(int Status, string Title, string Detail, string LogReason, HeraldLimit? Limit = null, int? RetryAfterSeconds = null);
