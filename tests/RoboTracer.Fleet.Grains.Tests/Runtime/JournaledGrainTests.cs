using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.Runtime;
using RoboTracer.Fleet.Grains.Tests.Support;

namespace RoboTracer.Fleet.Grains.Tests.Runtime;

public sealed class JournaledGrainTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TempStore _temp = null!;
    private IEventStore _store = null!;

    public async Task InitializeAsync() => (_temp, _store) = await TempStore.CreateAsync();

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Fact]
    public async Task A_turn_answers_only_after_its_events_are_in_the_store()
    {
        await using var runtime = NewRuntime(_store);

        Assert.Equal(5, await runtime.GetGrain<ICounterGrain>("c").AddAsync(5));

        Assert.Equal(1, await _store.GetStreamVersionAsync("counter-c"));
    }

    [Fact]
    public async Task State_is_rebuilt_from_the_store_by_a_new_runtime()
    {
        await using (var first = NewRuntime(_store))
        {
            await first.GetGrain<ICounterGrain>("c").AddAsync(5);
            await first.GetGrain<ICounterGrain>("c").AddAsync(7);
        }
        await using var second = NewRuntime(await _temp.OpenAsync());

        Assert.Equal(12, await second.GetGrain<ICounterGrain>("c").GetAsync());
        Assert.Equal(2, await second.GetGrain<ICounterGrain>("c").GetVersionAsync());
    }

    [Fact]
    public async Task A_stale_activation_cannot_write_deactivates_and_the_next_call_sees_fresh_state()
    {
        // Two nodes on one database, both holding an activation of the same grain.
        await using var nodeA = NewRuntime(_store, "node-a");
        await using var nodeB = NewRuntime(await _temp.OpenAsync(), "node-b");
        var onA = nodeA.GetGrain<ICounterGrain>("shared");
        var onB = nodeB.GetGrain<ICounterGrain>("shared");
        Assert.Equal(0, await onA.GetAsync());
        Assert.Equal(0, await onB.GetAsync());

        await onA.AddAsync(5);
        var stale = await Assert.ThrowsAsync<StaleActivationException>(() => Wait.For(onB.AddAsync(7)));

        Assert.Equal(0, stale.ActivationVersion);
        Assert.Equal(1, stale.StoreVersion);
        Assert.Contains("node-b", stale.Message, StringComparison.Ordinal);
        Assert.IsType<WrongExpectedVersionException>(stale.InnerException);
        Assert.Equal(1, await _store.GetStreamVersionAsync("counter-shared"));
        // The activation deactivates after the failed turn, not necessarily before its caller hears of it.
        await Wait.For(_probe.Gate($"deactivated-{DeactivationReasonCode.StaleActivation}").Task);
        Assert.Contains(_probe.Deactivations, r => r.ReasonCode == DeactivationReasonCode.StaleActivation);
        // The retry reaches a fresh activation on B, which reloaded A's event: no update is lost.
        Assert.Equal(12, await onB.AddAsync(7));
        Assert.Equal(2, await _store.GetStreamVersionAsync("counter-shared"));
    }

    [Fact]
    public async Task A_turn_that_throws_discards_its_events_and_its_activation()
    {
        await using var runtime = NewRuntime(_store);
        var counter = runtime.GetGrain<ICounterGrain>("c");
        await counter.AddAsync(1);

        await Assert.ThrowsAsync<ProbeException>(() => counter.AddThenFailAsync(100));

        Assert.Equal(1, await counter.GetAsync());
        Assert.Equal(1, await _store.GetStreamVersionAsync("counter-c"));
        Assert.Equal(2, _probe.Activations);
    }

    private GrainRuntime NewRuntime(IEventStore store, string node = "local") =>
        new GrainRuntime(new GrainRuntimeOptions { NodeId = node }).AddGrain<ICounterGrain, CounterGrain>(() => new CounterGrain(store, _probe));
}
