namespace Herald.Redis.Tests.Infrastructure;

/// <summary>Each <see cref="HeraldRedisFanout"/>, for a theory that must hold whichever way messages reach the nodes.</summary>
public sealed class EveryFanout : TheoryData<HeraldRedisFanout>
{
    public EveryFanout()
    {
        foreach (var fanout in Enum.GetValues<HeraldRedisFanout>())
        {
            Add(fanout);
        }
    }
}
