using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Infrastructure;

/// <summary>Keeps every log entry a test server writes, so tests can assert what an operator would read.</summary>
public sealed class TestLogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public bool Contains(string eventName) => _entries.Any(entry => entry.EventName == eventName);

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, int EventId, string? EventName, string Message, Exception? Exception);

    private sealed class Collector(TestLogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, eventId.Name, formatter(state, exception), exception));
    }
}
