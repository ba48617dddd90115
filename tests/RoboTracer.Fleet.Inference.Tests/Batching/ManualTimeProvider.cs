namespace RoboTracer.Fleet.Inference.Tests.Batching;

/// <summary>
/// A clock that moves only when told. Timers fire, in due order, when <see cref="Advance"/> passes their due time;
/// <see cref="WhenTimerAsync"/> lets a test wait until the code under test has scheduled one, so a simulation needs no
/// sleeps. Kept beside FakeTimeProvider (which the other test projects use) for that wait and for stepping from timer
/// to timer: FakeTimeProvider keeps its timers to itself. The simulator's tests wrap FakeTimeProvider for the same
/// need (SteppingTimeProvider); sharing one such wrapper is the next step.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private TaskCompletionSource _scheduled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Time moved so far.</summary>
    public TimeSpan Elapsed { get; private set; }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Completes when at least one timer is pending.</summary>
    public Task WhenTimerAsync()
    {
        lock (_lock)
        {
            return _timers.Count > 0 ? Task.CompletedTask : _scheduled.Task;
        }
    }

    /// <summary>Moves the clock to the earliest pending timer and fires it (and any other due then).</summary>
    public void AdvanceToNextTimer()
    {
        TimeSpan step;
        lock (_lock)
        {
            if (_timers.Count == 0)
            {
                throw new InvalidOperationException("No timer is pending.");
            }
            step = _timers.Min(t => t.Due) - _now;
        }
        Advance(step < TimeSpan.Zero ? TimeSpan.Zero : step);
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            _now += by;
            Elapsed += by;
            due = [.. _timers.Where(t => t.Due <= _now).OrderBy(t => t.Due)];
            foreach (var timer in due)
            {
                _timers.Remove(timer);
            }
        }
        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private void Schedule(ManualTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
            if (timer.Due != DateTimeOffset.MaxValue)
            {
                _timers.Add(timer);
                _scheduled.TrySetResult();
                _scheduled = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private void Unschedule(ManualTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset Due { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            Due = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : clock.GetUtcNow() + dueTime;
            clock.Schedule(this);
            return true;
        }

        public void Fire()
        {
            callback(state);
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                Change(_period, _period);
            }
        }

        public void Dispose() => clock.Unschedule(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
