using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Berth.App.Tests.Infrastructure;

/// <summary>A logger provider that keeps every formatted message (category, level, event id, text) in memory.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, int EventId, string Message)> _entries = new();

    public IReadOnlyCollection<(string Category, LogLevel Level, int EventId, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, int, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, eventId.Id, formatter(state, exception)));
    }
}
