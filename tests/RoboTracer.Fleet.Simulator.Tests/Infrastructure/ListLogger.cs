using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Simulator.Tests.Infrastructure;

/// <summary>Keeps what the robot logs, so tests can check that bad input is logged, or wait until something was.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Text, TaskCompletionSource Logged)> _waiters = [];

    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_gate)
        {
            Entries.Enqueue((logLevel, message));
            foreach (var waiter in _waiters.Where(w => w.Level == logLevel && message.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Logged.TrySetResult();
            }
        }
    }

    public bool Contains(LogLevel level, string text) => Entries.Any(e => e.Level == level && e.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>Completes when a message at <paramref name="level"/> containing <paramref name="text"/> is (or was) logged.</summary>
    public Task WaitForAsync(LogLevel level, string text)
    {
        lock (_gate)
        {
            if (Contains(level, text))
            {
                return Task.CompletedTask;
            }
            var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((level, text, logged));
            return logged.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}
