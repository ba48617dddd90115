using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Grains.Tests.Support;

namespace RoboTracer.Fleet.Grains.Tests.EventSourcing;

/// <summary>
/// <see cref="EventSourcedGrain{TState, TEvent}"/> on a real Orleans silo over a real SQLite event store: when a call's
/// events are durable, rebuilding from the stream, a stale activation that must not write, and store failures.
/// </summary>
public sealed class EventSourcedGrainTests : IAsyncLifetime
{
    private readonly List<InProcessTestCluster> _clusters = [];
    private TempStore _temp = null!;
    private IEventStore _store = null!;

    public async Task InitializeAsync() => (_temp, _store) = await TempStore.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var cluster in _clusters)
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
        await _temp.DisposeAsync();
    }

    [Fact]
    public async Task A_call_answers_only_after_its_events_are_in_the_store()
    {
        var cluster = await StartAsync(_store, new CounterProbe());

        Assert.Equal(5, await Counter(cluster, "c").AddAsync(5));

        Assert.Equal(1, await _store.GetStreamVersionAsync("counter-c"));
    }

    [Fact]
    public async Task State_is_rebuilt_from_the_store_by_a_new_cluster()
    {
        var first = await StartAsync(_store, new CounterProbe());
        await Counter(first, "c").AddAsync(5);
        await Counter(first, "c").AddAsync(7);
        await first.StopAllSilosAsync();

        var second = await StartAsync(await _temp.OpenAsync(), new CounterProbe());

        Assert.Equal(12, await Counter(second, "c").GetAsync());
        Assert.Equal(2, await Counter(second, "c").GetVersionAsync());
    }

    [Fact]
    public async Task A_stale_activation_cannot_write_deactivates_and_the_retry_sees_fresh_state()
    {
        // Two silos on one database that each hold an activation of the same grain, as during a membership change.
        var probeB = new CounterProbe();
        var a = await StartAsync(_store, new CounterProbe());
        var b = await StartAsync(await _temp.OpenAsync(), probeB);
        Assert.Equal(0, await Counter(a, "shared").GetAsync());
        Assert.Equal(0, await Counter(b, "shared").GetAsync());

        await Counter(a, "shared").AddAsync(5);
        var stale = await Assert.ThrowsAsync<StaleActivationException>(() => Wait.For(Counter(b, "shared").AddAsync(7)));

        Assert.Equal(0, stale.ActivationVersion);
        Assert.Equal(1, stale.StoreVersion);
        Assert.Equal("counter-shared", stale.StreamId);
        Assert.Equal(1, await _store.GetStreamVersionAsync("counter-shared"));
        await Wait.For(probeB.Deactivated.Task);
        // The retry reaches a fresh activation, which read A's event: no update is lost, none written twice.
        Assert.Equal(12, await Counter(b, "shared").AddAsync(7));
        Assert.Equal(2, await _store.GetStreamVersionAsync("counter-shared"));
    }

    [Fact]
    public async Task A_call_that_throws_after_raising_still_appends_its_events_before_its_caller_hears()
    {
        var cluster = await StartAsync(_store, new CounterProbe());
        var counter = Counter(cluster, "c");
        await counter.AddAsync(1);

        var error = await Assert.ThrowsAsync<CounterException>(() => counter.AddThenFailAsync(100));

        // Orleans does not take back a submitted event: the failure reaches the caller once the event is durable.
        Assert.Equal("changed my mind", error.Message);
        Assert.Equal(2, await _store.GetStreamVersionAsync("counter-c"));
        Assert.Equal(101, await counter.GetAsync());
    }

    [Fact]
    public async Task An_append_whose_answer_was_lost_is_retried_and_stored_once()
    {
        var flaky = new FlakyStore(_store);
        var cluster = await StartAsync(flaky, new CounterProbe());
        flaky.LoseAnswers(1);

        Assert.Equal(5, await Wait.For(Counter(cluster, "c").AddAsync(5)));

        Assert.Equal(1, await _store.GetStreamVersionAsync("counter-c"));
        Assert.Equal(1, flaky.Committed);
        Assert.Equal(8, await Counter(cluster, "c").AddAsync(3));
    }

    [Fact]
    public async Task A_call_fails_with_the_stores_error_when_the_store_is_down_and_its_events_land_when_it_is_back()
    {
        var flaky = new FlakyStore(_store) { Down = true };
        var cluster = await StartAsync(flaky, new CounterProbe(), writeTimeout: TimeSpan.FromSeconds(1));
        var counter = Counter(cluster, "c");

        var error = await Assert.ThrowsAsync<EventStoreUnavailableException>(() => Wait.For(counter.AddAsync(5)));
        flaky.Down = false;

        Assert.Contains("the test store is down", error.Message, StringComparison.Ordinal);
        Assert.Contains("counter-c", error.Message, StringComparison.Ordinal);
        await Eventually(async () => await _store.GetStreamVersionAsync("counter-c") == 1);
        Assert.Equal(5, await counter.GetAsync());
    }

    [Fact]
    public async Task Events_raised_on_a_timer_tick_are_appended()
    {
        var probe = new CounterProbe();
        var clock = new FakeTimeProvider();
        var cluster = await StartAsync(_store, probe, clock: clock);
        var counter = Counter(cluster, "c");
        await counter.AddOnTimerAsync(3, TimeSpan.FromSeconds(5));

        clock.Advance(TimeSpan.FromSeconds(5));
        await Wait.For(probe.Ticked.Task);

        await Eventually(async () => await _store.GetStreamVersionAsync("counter-c") == 1);
        Assert.Equal(3, await counter.GetAsync());
    }

    private static ICounterGrain Counter(InProcessTestCluster cluster, string key) => cluster.Client.GetGrain<ICounterGrain>(key);

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <see cref="Wait.Timeout"/>.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        using var patience = new CancellationTokenSource(Wait.Timeout);
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), patience.Token);
        }
    }

    private async Task<InProcessTestCluster> StartAsync(IEventStore store, CounterProbe probe, TimeSpan? writeTimeout = null, FakeTimeProvider? clock = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddFleetGrains();
            silo.Services.AddSingleton(store);
            silo.Services.AddSingleton(probe);
            silo.Services.Configure<EventSourcingOptions>(o => o.WriteTimeout = writeTimeout ?? o.WriteTimeout);
            if (clock is not null)
            {
                silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, clock);
            }
        });
        builder.ConfigureClient(client => client.Services.AddFleetSerialization());
        var cluster = builder.Build();
        _clusters.Add(cluster);
        await cluster.DeployAsync();
        return cluster;
    }
}
