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
    public Task<RecordedEvent> WaitForAsync(Func<RecordedEvent, bool> match, string what) =>
        WaitForAsync(events => events.FirstOrDefault(match), what);

    /// <summary>The <paramref name="occurrence"/>-th event of a type in a stream.</summary>
    public Task<RecordedEvent> WaitForAsync(string streamId, string eventType, int occurrence = 1) =>
        WaitForAsync(
            events => events.Where(e => e.StreamId == streamId && e.EventType == eventType).Skip(occurrence - 1).FirstOrDefault(),
            $"{eventType} #{occurrence} in {streamId}");

    /// <summary>
    /// What <paramref name="find"/> finds in the events recorded so far, looked for again after each new one. It
    /// looks at the whole list each time: a predicate that counted matches across looks would count one event twice.
    /// </summary>
    private async Task<RecordedEvent> WaitForAsync(Func<List<RecordedEvent>, RecordedEvent?> find, string what)
    {
        var deadline = DateTime.UtcNow + Wait.Timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (find(_events) is { } found)
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
