using System.Text.Json;

namespace Herald.Tests.Infrastructure;

public static class SendResponses
{
    public static async Task<int> ReadDeliveredAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("delivered").GetInt32();
    }
}
