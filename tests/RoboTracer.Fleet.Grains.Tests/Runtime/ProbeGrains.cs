using System.Collections.Concurrent;
using System.Threading.Channels;
using RoboTracer.Fleet.Grains.Runtime;

namespace RoboTracer.Fleet.Grains.Tests.Runtime;

/// <summary>What the probe grains saw, shared with the test.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private int _inside;
    private int _maxInside;
    private int _activations;

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentQueue<DeactivationReason> Deactivations { get; } = new();

    public Channel<int> TimerTicks { get; } = Channel.CreateUnbounded<int>();

    public int MaxInside => Volatile.Read(ref _maxInside);

    public int Activations => Volatile.Read(ref _activations);

    public int FailActivations { get; set; }

    /// <summary>Set by a test on its own thread around a call: grain code that sees it ran on the caller's thread.</summary>
    [field: ThreadStatic]
    public static bool OnCallerThread { get; set; }

    public TaskCompletionSource Gate(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public int Activated() => Interlocked.Increment(ref _activations);

    public void Enter()
    {
        var inside = Interlocked.Increment(ref _inside);
        int max;
        while (inside > (max = Volatile.Read(ref _maxInside)) && Interlocked.CompareExchange(ref _maxInside, inside, max) != max)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _inside);
}

public sealed class ProbeException(string message) : Exception(message);

public interface IProbeGrain : IGrainWithStringKey
{
    Task<int> CountAsync(int yields);

    Task<int> GetActivationNumberAsync();

    Task FailAsync(string message);

    Task FailSynchronouslyAsync(string message);

    ValueTask<int> DoubleAsync(int value);

    ValueTask TouchAsync();

    Task<string> WaitForGateAsync(string gate);

    [AlwaysInterleave]
    Task PeekAsync(string gate);

    Task OpenGateAsync(string gate);

    [OneWay]
    Task NotifyAfterHoldAsync(string hold, string gate);

    [OneWay]
    Task NotifyAndFailAsync();

    Task StartTimerAsync(TimeSpan period, bool keepAlive);

    Task DeactivateAsync();

    Task<bool> RanOnCallerThreadAsync();

    [OneWay]
    Task RecordCallerThreadAsync(string gate);

    /// <summary>The scheduler ids the turn ran on before and after an await, and whether it started on the caller's thread.</summary>
    Task<SchedulerTrace> TraceSchedulerAsync();

    /// <summary>Calls the probe grain <c>{prefix}{depth - 1}</c>, which calls the next, down to 0; returns how many answered.</summary>
    Task<int> ChainAsync(string prefix, int depth);

    /// <summary>Traces itself, then calls <paramref name="other"/>'s <see cref="TraceSchedulerAsync"/> from inside its turn.</summary>
    Task<(SchedulerTrace Caller, SchedulerTrace Callee)> TraceWithCalleeAsync(string other);
}

public sealed record SchedulerTrace(int Before, int After, bool StartedOnCallerThread);

public class ProbeGrain(Probe probe) : Grain, IProbeGrain
{
    private int _count;
    private int _activationNumber;
    private int _ticks;
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activationNumber = probe.Activated();
        if (probe.FailActivations > 0)
        {
            probe.FailActivations--;
            throw new ProbeException("activation refused");
        }
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Deactivations.Enqueue(reason);
        probe.Gate($"deactivated-{_activationNumber}").TrySetResult();
        return Task.CompletedTask;
    }

    public async Task<int> CountAsync(int yields)
    {
        probe.Enter();
        try
        {
            // Read, yield, write: two interleaved calls would lose an update.
            var seen = _count;
            for (var i = 0; i < yields; i++)
            {
                await Task.Yield();
            }
            _count = seen + 1;
            probe.Log.Enqueue("count");
            return _count;
        }
        finally
        {
            probe.Exit();
        }
    }

    public Task<int> GetActivationNumberAsync() => Task.FromResult(_activationNumber);

    public async Task FailAsync(string message)
    {
        await Task.Yield();
        throw new ProbeException(message);
    }

    public Task FailSynchronouslyAsync(string message) => throw new ProbeException(message);

    public ValueTask<int> DoubleAsync(int value) => ValueTask.FromResult(value * 2);

    public ValueTask TouchAsync() => ValueTask.CompletedTask;

    public async Task<string> WaitForGateAsync(string gate)
    {
        probe.Log.Enqueue("wait-start");
        probe.Gate(gate + ":waiting").TrySetResult();
        await probe.Gate(gate).Task;
        probe.Log.Enqueue("wait-end");
        return gate;
    }

    public Task PeekAsync(string gate)
    {
        probe.Log.Enqueue("peek");
        probe.Gate(gate).TrySetResult();
        return Task.CompletedTask;
    }

    public Task OpenGateAsync(string gate)
    {
        probe.Log.Enqueue("open");
        probe.Gate(gate).TrySetResult();
        return Task.CompletedTask;
    }

    public async Task NotifyAfterHoldAsync(string hold, string gate)
    {
        await probe.Gate(hold).Task;
        probe.Gate(gate).TrySetResult();
    }

    public async Task NotifyAndFailAsync()
    {
        await Task.Yield();
        throw new ProbeException("nobody hears this");
    }

    public Task StartTimerAsync(TimeSpan period, bool keepAlive)
    {
        _timer?.Dispose();
        _timer = RegisterGrainTimer(
            async _ =>
            {
                probe.Enter();
                try
                {
                    await Task.Yield();
                    await probe.TimerTicks.Writer.WriteAsync(++_ticks);
                }
                finally
                {
                    probe.Exit();
                }
            },
            new GrainTimerCreationOptions { DueTime = period, Period = period, KeepAlive = keepAlive });
        return Task.CompletedTask;
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<bool> RanOnCallerThreadAsync() => Task.FromResult(Probe.OnCallerThread);

    public Task RecordCallerThreadAsync(string gate)
    {
        probe.Gate(gate).TrySetResult();
        probe.Log.Enqueue(Probe.OnCallerThread ? "on-caller" : "elsewhere");
        return Task.CompletedTask;
    }

    public async Task<SchedulerTrace> TraceSchedulerAsync()
    {
        probe.Enter();
        try
        {
            var before = TaskScheduler.Current.Id;
            var onCaller = Probe.OnCallerThread;
            await Task.Yield();
            return new SchedulerTrace(before, TaskScheduler.Current.Id, onCaller);
        }
        finally
        {
            probe.Exit();
        }
    }

    public async Task<int> ChainAsync(string prefix, int depth)
    {
        if (depth == 0)
        {
            return 1;
        }
        return 1 + await GrainFactory.GetGrain<IProbeGrain>(prefix + (depth - 1)).ChainAsync(prefix, depth - 1);
    }

    public async Task<(SchedulerTrace Caller, SchedulerTrace Callee)> TraceWithCalleeAsync(string other)
    {
        var before = TaskScheduler.Current.Id;
        var callee = await GrainFactory.GetGrain<IProbeGrain>(other).TraceSchedulerAsync();
        return (new SchedulerTrace(before, TaskScheduler.Current.Id, StartedOnCallerThread: false), callee);
    }
}

public interface IReentrantProbeGrain : IGrainWithStringKey
{
    Task<string> WaitForGateAsync(string gate);

    Task OpenGateAsync(string gate);
}

[Reentrant]
public sealed class ReentrantProbeGrain(Probe probe) : Grain, IReentrantProbeGrain
{
    public async Task<string> WaitForGateAsync(string gate)
    {
        Segment("wait-start");
        probe.Gate(gate + ":waiting").TrySetResult();
        await probe.Gate(gate).Task;
        Segment("wait-end");
        return gate;
    }

    public async Task OpenGateAsync(string gate)
    {
        Segment("open");
        await Task.Yield();
        probe.Gate(gate).TrySetResult();
    }

    // Synchronous pieces of a reentrant grain's turns still never overlap.
    private void Segment(string name)
    {
        probe.Enter();
        probe.Log.Enqueue(name);
        Thread.SpinWait(1000);
        probe.Exit();
    }
}

public interface IBadGrain : IGrainWithStringKey
{
    int NotAsync();
}

public sealed class BadGrain : Grain, IBadGrain
{
    public int NotAsync() => 0;
}
