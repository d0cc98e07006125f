namespace Herald.Redis.Tests.Infrastructure;

/// <summary>Many clients opened together, one per user, in the users' order; disposing closes them all.</summary>
public sealed class ClientGroup : IAsyncDisposable
{
    private readonly TestClient[] _clients;

    private ClientGroup(TestClient[] clients) => _clients = clients;

    public IReadOnlyList<TestClient> Clients => _clients;

    /// <summary>Opens a client for each of <paramref name="users"/> with <paramref name="connect"/>, all at once.</summary>
    public static async Task<ClientGroup> ConnectAsync(IEnumerable<string> users, Func<string, Task<TestClient>> connect) =>
        new(await Task.WhenAll(users.Select(connect)));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }
}
