namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// A timer of one activation. The clock's tick only queues a <see cref="TimerTick"/>; the callback runs later as
/// a turn. At most one tick waits in the mailbox at a time, so a slow grain coalesces ticks instead of piling them up.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly GrainActivation _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly ITimer _timer;
    private int _tickPending;
    private volatile bool _disposed;

    public GrainTimer(GrainActivation activation, Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        _activation = activation;
        _callback = callback;
        KeepAlive = options.KeepAlive;
        _timer = activation.Runtime.TimeProvider.CreateTimer(static state => ((GrainTimer)state!).OnTick(), this, options.DueTime, options.Period);
    }

    public bool KeepAlive { get; }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _timer.Change(dueTime, period);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    internal async Task InvokeAsync()
    {
        // Released before the callback, not after: a tick that comes while the callback runs queues one more
        // turn, so a callback never misses the latest time (with a clock that then stops, it would for good).
        ReleaseTick();
        if (!_disposed)
        {
            await _callback(_activation.Lifetime);
        }
    }

    internal void ReleaseTick() => Volatile.Write(ref _tickPending, 0);

    private void OnTick()
    {
        if (_disposed || Interlocked.Exchange(ref _tickPending, 1) == 1)
        {
            return;
        }
        if (!_activation.TryEnqueueTick(this))
        {
            ReleaseTick();
        }
    }
}
