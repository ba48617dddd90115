using RoboTracer.Fleet.Grains.Runtime;
using RoboTracer.Fleet.Grains.Tests.Support;

namespace RoboTracer.Fleet.Grains.Tests.Runtime;

public sealed class RuntimeTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private readonly FakeClock _clock = new();
    private GrainRuntime _runtime = null!;

    public Task InitializeAsync()
    {
        _runtime = NewRuntime();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    [Fact]
    public async Task Concurrent_callers_never_interleave_inside_a_grain()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("counter");

        var results = await Wait.For(Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => grain.CountAsync(yields: 3)))));

        Assert.Equal(Enumerable.Range(1, 64), results.Order());
        Assert.Equal(1, _probe.MaxInside);
    }

    [Fact]
    public async Task One_activation_per_key_created_on_first_call()
    {
        Assert.Equal(0, _runtime.ActivationCount);

        var first = await _runtime.GetGrain<IProbeGrain>("a").GetActivationNumberAsync();
        var again = await _runtime.GetGrain<IProbeGrain>("a").GetActivationNumberAsync();
        var other = await _runtime.GetGrain<IProbeGrain>("b").GetActivationNumberAsync();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(2, _runtime.ActivationCount);
        Assert.Equal("a", _runtime.GetGrain<IProbeGrain>("a").GetPrimaryKeyString());
    }

    [Fact]
    public async Task A_non_reentrant_grain_runs_a_queued_call_only_after_the_awaiting_one()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("g");
        var waiting = grain.WaitForGateAsync("gate");
        var queued = grain.CountAsync(0);
        await Wait.For(_probe.Gate("gate:waiting").Task);

        // An always-interleave call gets in while the first call awaits; the plain one stays queued.
        await Wait.For(grain.PeekAsync("gate"));
        await Wait.For(Task.WhenAll(waiting, queued));

        Assert.Equal(["wait-start", "peek", "wait-end", "count"], _probe.Log);
    }

    [Fact]
    public async Task A_reentrant_grain_interleaves_at_awaits_but_never_runs_in_parallel()
    {
        var grain = _runtime.GetGrain<IReentrantProbeGrain>("r");
        var waiting = grain.WaitForGateAsync("gate");
        await Wait.For(_probe.Gate("gate:waiting").Task);

        // Would deadlock in a non-reentrant grain: the opener runs while the waiter awaits.
        await Wait.For(grain.OpenGateAsync("gate"));

        Assert.Equal("gate", await Wait.For(waiting));
        Assert.Equal(["wait-start", "open", "wait-end"], _probe.Log);
        Assert.Equal(1, _probe.MaxInside);
    }

    [Fact]
    public async Task Exceptions_reach_the_caller_unchanged_and_the_grain_lives_on()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("e");
        var activation = await grain.GetActivationNumberAsync();

        var async = await Assert.ThrowsAsync<ProbeException>(() => Wait.For(grain.FailAsync("after an await")));
        var sync = await Assert.ThrowsAsync<ProbeException>(() => Wait.For(grain.FailSynchronouslyAsync("before any await")));

        Assert.Equal("after an await", async.Message);
        Assert.Equal("before any await", sync.Message);
        Assert.Equal(activation, await grain.GetActivationNumberAsync());
    }

    [Fact]
    public async Task ValueTask_methods_round_trip()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("v");

        Assert.Equal(42, await grain.DoubleAsync(21));
        await grain.TouchAsync();
    }

    [Fact]
    public async Task A_one_way_call_returns_before_the_grain_runs_it_and_its_failure_stays_with_the_grain()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("o");

        await Wait.For(grain.NotifyAfterHoldAsync("hold", "done"));
        Assert.False(_probe.Gate("done").Task.IsCompleted);
        _probe.Gate("hold").SetResult();
        await Wait.For(_probe.Gate("done").Task);

        await Wait.For(grain.NotifyAndFailAsync());
        Assert.Equal(1, await grain.CountAsync(0));
    }

    [Fact]
    public async Task An_idle_activation_is_collected_after_the_collection_age_and_a_later_call_reactivates()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("idle");
        Assert.Equal(1, await grain.GetActivationNumberAsync());

        _clock.Advance(TimeSpan.FromMinutes(11));

        await Wait.For(_probe.Gate("deactivated-1").Task);
        Assert.Equal(DeactivationReasonCode.ActivationIdle, Assert.Single(_probe.Deactivations).ReasonCode);
        Assert.Equal(2, await grain.GetActivationNumberAsync());
    }

    [Fact]
    public async Task A_busy_activation_is_not_collected()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("busy");
        var waiting = grain.WaitForGateAsync("gate");

        Assert.Equal(0, await _runtime.ForceActivationCollectionAsync(TimeSpan.Zero));

        _probe.Gate("gate").SetResult();
        await Wait.For(waiting);
        Assert.Equal(1, await _runtime.ForceActivationCollectionAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task Timer_callbacks_run_as_turns_and_die_with_the_activation()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("timer");
        var timersBefore = _clock.ActiveTimers;
        await grain.StartTimerAsync(TimeSpan.FromSeconds(1), keepAlive: false);
        Assert.Equal(timersBefore + 1, _clock.ActiveTimers);

        for (var expected = 1; expected <= 3; expected++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(expected, await Wait.For(_probe.TimerTicks.Reader.ReadAsync().AsTask()));
            // A call between ticks: timer turns and calls never overlap.
            await grain.CountAsync(2);
        }

        await grain.DeactivateAsync();
        await Wait.For(_probe.Gate("deactivated-1").Task);
        Assert.Equal(timersBefore, _clock.ActiveTimers);
        Assert.Equal(1, _probe.MaxInside);
    }

    [Fact]
    public async Task A_keep_alive_timer_keeps_the_activation_from_collection()
    {
        await _runtime.GetGrain<IProbeGrain>("kept").StartTimerAsync(TimeSpan.FromHours(1), keepAlive: true);
        await _runtime.GetGrain<IProbeGrain>("plain").StartTimerAsync(TimeSpan.FromHours(1), keepAlive: false);

        Assert.Equal(1, await _runtime.ForceActivationCollectionAsync(TimeSpan.Zero));
        Assert.Equal(1, _runtime.ActivationCount);
    }

    [Fact]
    public async Task A_failed_activation_fails_the_call_and_the_next_call_activates_again()
    {
        _probe.FailActivations = 1;
        var grain = _runtime.GetGrain<IProbeGrain>("fragile");

        var failure = await Assert.ThrowsAsync<ProbeException>(() => Wait.For(grain.CountAsync(0)));

        Assert.Equal("activation refused", failure.Message);
        Assert.Equal(1, await Wait.For(grain.CountAsync(0)));
        Assert.Equal(2, _probe.Activations);
    }

    [Fact]
    public async Task Calls_queued_behind_a_deactivating_activation_move_to_the_next_one()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("moving");
        Assert.Equal(1, await grain.CountAsync(0));

        var deactivate = grain.DeactivateAsync();
        var after = grain.GetActivationNumberAsync();

        await Wait.For(deactivate);
        Assert.Equal(2, await Wait.For(after));
    }

    [Fact]
    public async Task Calls_racing_repeated_deactivations_are_all_delivered()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("churn");

        var calls = Enumerable.Range(0, 400).Select(i => Task.Run(() => i % 20 == 0 ? grain.DeactivateAsync() : grain.CountAsync(1))).ToList();
        await Wait.For(Task.WhenAll(calls));
        // A new activation starts only once the previous one is gone, so after this call every earlier one is.
        await grain.CountAsync(0);

        Assert.True(_probe.Activations > 1, "deactivations happened in between");
        Assert.Equal(1, _probe.MaxInside);
        Assert.Equal(_probe.Activations - 1, _probe.Deactivations.Count);
    }

    [Fact]
    public async Task Disposing_the_runtime_deactivates_everything_and_rejects_later_calls()
    {
        var a = _runtime.GetGrain<IProbeGrain>("a");
        var b = _runtime.GetGrain<IProbeGrain>("b");
        await a.CountAsync(0);
        await b.CountAsync(0);

        await _runtime.DisposeAsync();

        Assert.Equal(2, _probe.Deactivations.Count);
        Assert.All(_probe.Deactivations, r => Assert.Equal(DeactivationReasonCode.RuntimeShutdown, r.ReasonCode));
        Assert.Equal(0, _runtime.ActivationCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => a.CountAsync(0));
    }

    [Fact]
    public async Task A_grain_placed_on_another_node_fails_with_a_placement_error()
    {
        await using var runtime = NewRuntime(new RemotePlacement("node-b"));

        var failure = await Assert.ThrowsAsync<GrainPlacementException>(() => runtime.GetGrain<IProbeGrain>("x").CountAsync(0));

        Assert.Equal("node-b", failure.NodeId);
    }

    [Fact]
    public void A_grain_interface_with_a_synchronous_method_is_refused_at_registration()
    {
        var failure = Assert.Throws<ArgumentException>(() => _runtime.AddGrain<IBadGrain, BadGrain>(() => new BadGrain()));

        Assert.Contains("NotAsync", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unregistered_interface_has_no_references()
    {
        Assert.Throws<InvalidOperationException>(() => new GrainRuntime().GetGrain<IProbeGrain>("x"));
    }

    private GrainRuntime NewRuntime(IGrainPlacement? placement = null) => new GrainRuntime(new GrainRuntimeOptions
    {
        TimeProvider = _clock,
        CollectionAge = TimeSpan.FromMinutes(10),
        CollectionQuantum = TimeSpan.FromMinutes(1),
        Placement = placement,
    })
        .AddGrain<IProbeGrain, ProbeGrain>(() => new ProbeGrain(_probe))
        .AddGrain<IReentrantProbeGrain, ReentrantProbeGrain>(() => new ReentrantProbeGrain(_probe));

    private sealed class RemotePlacement(string node) : IGrainPlacement
    {
        public ValueTask<GrainAddress> PlaceAsync(GrainId grain, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new GrainAddress(grain, node, IsLocal: false));
    }
}
