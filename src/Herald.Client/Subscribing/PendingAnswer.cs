namespace Herald.Client.Subscribing;

/// <summary>
/// An answer the subscriber is waiting for on one connection: <c>joined</c> for a <c>subscribe</c>, <c>left</c> for
/// an <c>unsubscribe</c>, or an <c>error</c> instead of either.
/// </summary>
/// <param name="Command">The command it answers: <c>subscribe</c> or <c>unsubscribe</c>.</param>
/// <param name="Stream">The topic's stream, which the answer names.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Waiter">Completed with the answer, for a caller of SubscribeAsync or UnsubscribeAsync; null for a subscription a login restored.</param>
internal sealed record PendingAnswer(string Command, string Stream, string Topic, TaskCompletionSource? Waiter);
