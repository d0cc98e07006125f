using Herald.Client;

namespace Herald.Tests.Client;

/// <summary>What the reconnect storm tests share: the order in which subscribers lose their connection, and reading one subscriber's messages to the end.</summary>
public static class StormSubscribers
{
    /// <summary>The subscribers 0 to <paramref name="count"/> - 1 in a random order.</summary>
    public static int[] Shuffled(Random random, int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }

    /// <summary>The texts of the subscriber's first <paramref name="count"/> messages, as they arrived.</summary>
    public static async Task<List<string>> ReadTextsAsync(HeraldSubscriber subscriber, int count, CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        await foreach (var message in subscriber.ReadAllAsync(cancellationToken))
        {
            texts.Add(message.Data.GetString()!);
            if (texts.Count == count)
            {
                break;
            }
        }

        return texts;
    }
}
