using RoboTracer.Fleet.EventStore;

namespace RoboTracer.Fleet.Grains.Tests.Support;

/// <summary>Follows the store from position 0 and lets a test await an event instead of sleeping.</summary>
public sealed class EventLog : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<RecordedEvent> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _follow;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EventLog(IEventStore store) => _follow = Task.Run(() => FollowAsync(store));

    public IReadOnlyList<RecordedEvent> Stream(string streamId)
    {
        lock (_gate)
        {
            return _events.Where(e => e.StreamId == streamId).ToList();
        }
    }

    public IReadOnlyList<string> Types(string streamId) => Stream(streamId).Select(e => e.EventType).ToList();

    public int Count(string streamId, string eventType) => Stream(streamId).Count(e => e.EventType == eventType);

    /// <summary>The first event (already recorded or still to come) that matches.</summary>
    public async Task<RecordedEvent> WaitForAsync(Func<RecordedEvent, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + Wait.Timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_events.FirstOrDefault(match) is { } found)
                {
                    return found;
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                throw new TimeoutException($"No event {what} within {Wait.Timeout}. Seen: {Describe()}");
            }
        }
    }

    /// <summary>The <paramref name="occurrence"/>-th event of a type in a stream.</summary>
    public Task<RecordedEvent> WaitForAsync(string streamId, string eventType, int occurrence = 1)
    {
        var seen = 0;
        return WaitForAsync(
            e => e.StreamId == streamId && e.EventType == eventType && ++seen >= occurrence,
            $"{eventType} #{occurrence} in {streamId}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _follow;
        _stop.Dispose();
    }

    private async Task FollowAsync(IEventStore store)
    {
        try
        {
            await foreach (var e in store.SubscribeAsync(0, _stop.Token))
            {
                TaskCompletionSource changed;
                lock (_gate)
                {
                    _events.Add(e);
                    changed = _changed;
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                changed.TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string Describe()
    {
        lock (_gate)
        {
            return string.Join(", ", _events.TakeLast(40).Select(e => $"{e.StreamId}:{e.EventType}"));
        }
    }
}
