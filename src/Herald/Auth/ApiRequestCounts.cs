using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Herald.Auth;

/// <summary>
/// HTTP API requests by API key and status, for the <c>herald.api.requests</c> and <c>herald.api.requests.refused</c>
/// metrics: every answered request, and those refused by access control (401, 403) or the rate limit (429). Bounded:
/// the keys are the configured ones and <see cref="ApiCaller.NoKey"/>, the statuses the few the API answers with.
/// </summary>
internal sealed class ApiRequestCounts
{
    /// <summary>Every request the API answered, the direct send's included, by the key it presented and its status.</summary>
    public KeyStatusCounts Answered { get; } = new();

    /// <summary>The answered requests that access control or the rate limit refused.</summary>
    public KeyStatusCounts Refused { get; } = new();

    public sealed class KeyStatusCounts
    {
        private readonly ConcurrentDictionary<(string Key, int Status), StrongBox<long>> _counts = new();

        public void Add(string key, int status) =>
            Interlocked.Increment(ref _counts.GetOrAdd((key, status), static _ => new StrongBox<long>()).Value);

        /// <summary>One measurement per key and status seen, tagged <c>herald.api.key</c> and <c>http.response.status_code</c>.</summary>
        public IEnumerable<Measurement<long>> Measure()
        {
            foreach (var ((key, status), count) in _counts)
            {
                yield return new Measurement<long>(
                    Interlocked.Read(ref count.Value),
                    new KeyValuePair<string, object?>("herald.api.key", key),
                    new KeyValuePair<string, object?>("http.response.status_code", status));
            }
        }
    }
}
