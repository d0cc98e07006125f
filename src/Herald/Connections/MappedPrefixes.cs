namespace Herald.Connections;

/// <summary>Where <c>MapHerald()</c> put the endpoints, so the start-up report names the real paths.</summary>
internal sealed class MappedPrefixes
{
    private readonly Lock _gate = new();
    private readonly List<string> _prefixes = [];

    public void Add(string prefix)
    {
        lock (_gate)
        {
            _prefixes.Add(prefix.TrimEnd('/'));
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _prefixes];
        }
    }
}
