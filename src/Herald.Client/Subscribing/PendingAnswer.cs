namespace Herald.Client.Subscribing;

/// <summary>
/// An answer the subscriber is waiting for on one connection: <c>joined</c> for a login stream or a
/// <c>subscribe</c>, <c>left</c> for an <c>unsubscribe</c>, or an <c>error</c> instead of either.
/// </summary>
/// <param name="Command">The command it answers: <c>login</c>, <c>subscribe</c> or <c>unsubscribe</c>.</param>
/// <param name="Stream">The stream the answer names.</param>
/// <param name="Topic">The topic of a subscribe or unsubscribe; null for a login stream.</param>
/// <param name="Waiter">Completed with the answer, for a caller of SubscribeAsync or UnsubscribeAsync; null when nobody waits.</param>
/// <param name="CompletesLogin">
/// True for the last answer of a login and the subscriptions restored with it: once it has come, the connection is
/// on every stream and counts as connected.
/// </param>
internal sealed record PendingAnswer(string Command, string Stream, string? Topic, TaskCompletionSource? Waiter, bool CompletesLogin);
