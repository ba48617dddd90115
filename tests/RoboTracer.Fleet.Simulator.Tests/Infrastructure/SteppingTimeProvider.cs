using Microsoft.Extensions.Time.Testing;

namespace RoboTracer.Fleet.Simulator.Tests.Infrastructure;

/// <summary>
/// <see cref="FakeTimeProvider"/> (which keeps the time and fires the timers) plus the one thing it cannot do: wait
/// until the code under test has armed a timer and say when it is due. The robot arms its next wait (a stretch of
/// the arm's motion, a heartbeat, a reconnect backoff) on its own threads after it sends an update; a test that
/// advanced before that would leave the wait unfired or skip past it. FakeTimeProvider keeps its timers internal,
/// so each timer it creates here is wrapped to note its due time; firing stays FakeTimeProvider's.
/// </summary>
internal sealed class SteppingTimeProvider : FakeTimeProvider
{
    // Held while a timer is armed (note + arm) and while the clock advances, so an arm never falls between the
    // two: a noted due time always has its timer behind it. Lock is re-entrant: a callback that Advance runs on
    // this thread may arm or dispose timers.
    private readonly Lock _gate = new();
    private readonly HashSet<NotedTimer> _armed = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new NotedTimer(this, base.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Waits (up to <see cref="FakeLink.Timeout"/>) for a timer due within <paramref name="window"/> from now, then
    /// advances to its due time, which fires it; returns the step.
    /// </summary>
    public async Task<TimeSpan> AdvanceToNextTimerAsync(TimeSpan window)
    {
        using var cts = new CancellationTokenSource(FakeLink.Timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var now = GetUtcNow();
                ForgetFired(now);
                if (_armed.MinBy(t => t.Due)?.Due is { } due && due - now <= window)
                {
                    Advance(due - now);
                    ForgetFired(due);
                    return due - now;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cts.Token);
        }
    }

    // FakeTimeProvider fires every timer due by the time it is set to (on the thread that moved it, or on a thread
    // already firing timers): a one-shot due by now is done, a periodic one is due again a period later.
    private void ForgetFired(DateTimeOffset now)
    {
        foreach (var timer in _armed.Where(t => t.Due <= now).ToList())
        {
            if (timer.Period > TimeSpan.Zero)
            {
                while (timer.Due <= now)
                {
                    timer.Due += timer.Period;
                }
            }
            else
            {
                _armed.Remove(timer);
            }
        }
    }

    private void Changed()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    private sealed class NotedTimer(SteppingTimeProvider clock, ITimer timer) : ITimer
    {
        private bool _disposed;

        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool changed;
            lock (clock._gate)
            {
                if (_disposed)
                {
                    return false;
                }
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                // A due time of zero fires at once, inside Change; what is left to note is its next period, if any.
                var next = dueTime == TimeSpan.Zero ? Period : dueTime;
                Due = clock.GetUtcNow() + next;
                if (dueTime == Timeout.InfiniteTimeSpan || next == TimeSpan.Zero)
                {
                    clock._armed.Remove(this);
                }
                else
                {
                    clock._armed.Add(this);
                }
                changed = timer.Change(dueTime, period);
            }
            clock.Changed();
            return changed;
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                _disposed = true;
                clock._armed.Remove(this);
                timer.Dispose();
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
