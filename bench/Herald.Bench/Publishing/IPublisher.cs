namespace Herald.Bench.Publishing;

/// <summary>
/// One way of publishing bench messages. A call publishes the consecutive sequence numbers
/// [firstSeq, firstSeq + <see cref="MessagesPerCall"/>); message seq goes to user <c>seq % users</c>, so a batch
/// publisher can slot in beside <see cref="SendPublisher"/> without the scenario changing.
/// </summary>
internal interface IPublisher
{
    /// <summary>Messages one call publishes: 1 for /send, the batch size for a batch API.</summary>
    int MessagesPerCall { get; }

    ValueTask<PublishOutcome> PublishAsync(long firstSeq, CancellationToken cancellationToken);
}

/// <summary>What one publish call achieved.</summary>
/// <param name="Accepted">Messages the server accepted.</param>
/// <param name="Queued">Connections the accepted messages were queued for, summed.</param>
/// <param name="Failed">Messages refused or unanswered.</param>
internal readonly record struct PublishOutcome(int Accepted, long Queued, int Failed);
