namespace Herald.Redis.Tests.Infrastructure;

/// <summary>A key prefix of its own for each test, so that tests share one Redis and run in parallel without meeting.</summary>
public static class RedisTestPrefix
{
    public static string New() => $"t{Guid.NewGuid():N}";
}
