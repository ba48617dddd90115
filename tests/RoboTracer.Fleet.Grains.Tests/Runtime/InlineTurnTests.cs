using RoboTracer.Fleet.Grains.Runtime;
using RoboTracer.Fleet.Grains.Tests.Support;

namespace RoboTracer.Fleet.Grains.Tests.Runtime;

/// <summary>
/// A call that finds its grain idle runs the turn on the caller's thread. These tests pin what must not change
/// with that: the grain's code still runs on the grain's scheduler, one turn at a time, and the caller's
/// context never sees it.
/// </summary>
public sealed class InlineTurnTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private GrainRuntime _runtime = null!;

    public Task InitializeAsync()
    {
        _runtime = new GrainRuntime()
            .AddGrain<IProbeGrain, ProbeGrain>(() => new ProbeGrain(_probe));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    [Fact]
    public async Task A_call_to_an_idle_grain_runs_on_the_callers_thread_and_resumes_on_the_grains_scheduler()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("idle");
        await UntilIdle(grain);

        var trace = await Wait.For(CallOnMarkedThread(grain.TraceSchedulerAsync));

        Assert.True(trace.StartedOnCallerThread);
        Assert.NotEqual(TaskScheduler.Default.Id, trace.Before);
        Assert.Equal(trace.Before, trace.After);
    }

    [Fact]
    public async Task A_call_to_a_busy_grain_waits_for_the_running_turn_and_does_not_run_on_the_caller()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("busy");
        await grain.CountAsync(0);
        var waiting = grain.WaitForGateAsync("gate");
        await Wait.For(_probe.Gate("gate:waiting").Task);

        var queued = CallOnMarkedThread(grain.RanOnCallerThreadAsync);
        var counted = grain.CountAsync(0);
        Assert.False(queued.IsCompleted);
        Assert.False(counted.IsCompleted);
        _probe.Gate("gate").SetResult();

        Assert.False(await Wait.For(queued));
        Assert.Equal(2, await Wait.For(counted));
        await Wait.For(waiting);
        Assert.Equal(["count", "wait-start", "wait-end", "count"], _probe.Log);
    }

    [Fact]
    public async Task Inline_and_queued_turns_of_many_callers_never_overlap()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("mixed");

        // yields: 0 completes inline, 1 awaits once: callers keep finding the grain idle, busy, idle...
        var calls = Enumerable.Range(0, 400).Select(i => Task.Run(() => grain.CountAsync(yields: i % 2))).ToList();
        var results = await Wait.For(Task.WhenAll(calls));

        Assert.Equal(Enumerable.Range(1, 400), results.Order());
        Assert.Equal(1, _probe.MaxInside);
    }

    [Fact]
    public async Task A_grain_called_inline_from_another_grains_turn_resumes_on_its_own_scheduler()
    {
        var caller = _runtime.GetGrain<IProbeGrain>("caller");
        var callee = _runtime.GetGrain<IProbeGrain>("callee");
        await callee.CountAsync(0);

        var (outer, inner) = await Wait.For(caller.TraceWithCalleeAsync("callee"));

        Assert.Equal(outer.Before, outer.After);
        Assert.Equal(inner.Before, inner.After);
        Assert.NotEqual(outer.Before, inner.Before);
    }

    [Fact]
    public async Task A_chain_of_calls_deeper_than_the_inline_limit_completes()
    {
        var head = _runtime.GetGrain<IProbeGrain>("chain-40");

        Assert.Equal(41, await Wait.For(head.ChainAsync("chain-", 40)));
        // Warm: every link is idle and activated, so the second walk goes inline as deep as allowed.
        Assert.Equal(41, await Wait.For(head.ChainAsync("chain-", 40)));
    }

    [Fact]
    public async Task An_inline_turn_never_resumes_on_the_callers_synchronization_context()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("context");
        await UntilIdle(grain);
        var context = new CountingContext();

        Task<int> call;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            call = grain.CountAsync(yields: 3);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        Assert.Equal(1, await Wait.For(call));
        Assert.Equal(0, context.Posts);
    }

    [Fact]
    public async Task A_one_way_call_never_runs_on_the_callers_thread()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("one-way");
        await grain.CountAsync(0);

        await CallOnMarkedThread(() => grain.RecordCallerThreadAsync("recorded"));
        await Wait.For(_probe.Gate("recorded").Task);

        Assert.Equal(["count", "elsewhere"], _probe.Log);
    }

    [Fact]
    public async Task Exceptions_of_inline_turns_reach_the_caller_and_free_the_grain()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("throws");
        await grain.CountAsync(0);

        var sync = await Assert.ThrowsAsync<ProbeException>(() => Wait.For(CallOnMarkedThread(() => grain.FailSynchronouslyAsync("inline"))));
        var async = await Assert.ThrowsAsync<ProbeException>(() => Wait.For(CallOnMarkedThread(() => grain.FailAsync("after an await"))));

        Assert.Equal("inline", sync.Message);
        Assert.Equal("after an await", async.Message);
        await UntilIdle(grain);
        Assert.Equal(2, await grain.CountAsync(0));
    }
    /// <summary>
    /// Calls the grain until a call ran inline, at most 100 times (the pool thread that answered the previous call
    /// may still be leaving the grain's scheduler; then the call is queued, correctly). An inline turn that
    /// completes lets go of the scheduler before the call returns, so afterwards the grain is idle.
    /// </summary>
    private static async Task UntilIdle(IProbeGrain grain)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await Wait.For(CallOnMarkedThread(grain.RanOnCallerThreadAsync)))
            {
                return;
            }
        }
        Assert.Fail("No call to the idle grain ran on the caller's thread.");
    }

    /// <summary>Makes the call with this thread marked, so grain code can tell whether it ran here; unmarks before anything awaits.</summary>
    private static Task<T> CallOnMarkedThread<T>(Func<Task<T>> call)
    {
        Probe.OnCallerThread = true;
        try
        {
            return call();
        }
        finally
        {
            Probe.OnCallerThread = false;
        }
    }

    private static Task CallOnMarkedThread(Func<Task> call) => CallOnMarkedThread(async () =>
    {
        await call();
        return 0;
    });

    /// <summary>Counts what is posted to it and runs it on the pool, so a wrong post shows as a count, not a hang.</summary>
    private sealed class CountingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }
    }
}
