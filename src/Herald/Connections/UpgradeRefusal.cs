namespace Herald.Connections;

/// <summary>Why an upgrade is refused before its 101: the HTTP status and problem details the client gets, and the log's reason.</summary>
internal sealed record UpgradeRefusal(int Status, string Title, string Detail, string LogReason);
