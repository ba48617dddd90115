using System.Collections.Concurrent;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Postgres;

/// <summary>
/// PostgreSQL stopped and started again under the store's feet, with writers and a subscriber running. It needs
/// a server of its own to stop, so it starts one even when FLEET_TEST_POSTGRES is set.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private LocalPostgresCluster? _server;

    private LocalPostgresCluster Server => _server!;

    public async Task InitializeAsync() => _server = await LocalPostgresCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Appends_during_a_restart_fail_with_a_clear_error_and_nothing_acknowledged_is_lost()
    {
        await using var store = await PostgresEventStore.OpenAsync(
            Server.ConnectionString, new EventStoreOptions { SubscriptionPollInterval = TimeSpan.FromMilliseconds(200) }, schema: "restart");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var stop = new CancellationTokenSource();
        var acked = new ConcurrentDictionary<string, long>();
        var progress = new AckCounter();
        var failures = new ConcurrentQueue<EventStoreUnavailableException>();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopSubscriber = new CancellationTokenSource();
        var subscriber = new Follower(store.SubscribeAsync(0, stopSubscriber.Token));

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var key = $"w{w}-{n}";
                // Retry the same event with the same key until it is acknowledged: a commit whose outcome was
                // unknown comes back as AlreadyAppended with its original position, never as a duplicate.
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var result = await store.AppendAsync($"restart-{w}", ExpectedVersion.Any, [TestEvents.Moved($"r{w}", n, key)]);
                        acked[key] = result.FirstPosition;
                        progress.Increment();
                        break;
                    }
                    catch (EventStoreUnavailableException e)
                    {
                        failures.Enqueue(e);
                        failed.TrySetResult();
                        await Task.Delay(20, CancellationToken.None); // the writer's retry back-off
                    }
                }
            }
        })).ToList();

        await progress.WhenAtLeast(200).WaitAsync(timeout.Token);
        await Server.StopAsync();
        await failed.Task.WaitAsync(timeout.Token);
        var beforeRestart = progress.Count;
        await Server.StartAgainAsync(samePort: true);
        await progress.WhenAtLeast(beforeRestart + 200).WaitAsync(timeout.Token);
        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(timeout.Token);

        Assert.All(failures, e => Assert.Contains("PostgreSQL", e.Message, StringComparison.Ordinal));
        var stored = new Dictionary<string, long>();
        await foreach (var e in store.ReadAllAsync(cancellationToken: timeout.Token))
        {
            Assert.True(stored.TryAdd(e.IdempotencyKey!, e.Position), $"key {e.IdempotencyKey} is stored twice");
        }
        foreach (var (key, position) in acked)
        {
            Assert.True(stored.TryGetValue(key, out var at), $"acknowledged event {key} is missing");
            Assert.Equal(position, at);
        }
        // The subscription lived through the restart: it saw everything, once, in order.
        await subscriber.WhenReached(await store.GetHeadPositionAsync()).WaitAsync(timeout.Token);
        await stopSubscriber.CancelAsync();
        Assert.Equal(stored.Values.Order(), await subscriber.Seen.WaitAsync(timeout.Token));
    }

    /// <summary>Follows a subscription in the background and says when it has seen a given position.</summary>
    private sealed class Follower
    {
        private readonly Lock _lock = new();
        private readonly List<long> _seen = [];
        private long _target = long.MaxValue;
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Follower(IAsyncEnumerable<RecordedEvent> subscription) => Seen = Task.Run(() => FollowAsync(subscription));

        public Task<List<long>> Seen { get; }

        public Task WhenReached(long position)
        {
            lock (_lock)
            {
                _target = position;
                if (_seen.Count > 0 && _seen[^1] >= position)
                {
                    _reached.TrySetResult();
                }
            }
            return _reached.Task;
        }

        private async Task<List<long>> FollowAsync(IAsyncEnumerable<RecordedEvent> subscription)
        {
            try
            {
                await foreach (var e in subscription)
                {
                    lock (_lock)
                    {
                        _seen.Add(e.Position);
                        if (e.Position >= _target)
                        {
                            _reached.TrySetResult();
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped by the test once it has seen the head.
            }
            lock (_lock)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>Counts acknowledgements and lets the test await a count, instead of polling for it.</summary>
    private sealed class AckCounter
    {
        private readonly Lock _lock = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

        public int Count { get; private set; }

        public void Increment()
        {
            lock (_lock)
            {
                Count++;
                foreach (var waiter in _waiters.Where(w => w.Count <= Count).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        public Task WhenAtLeast(int count)
        {
            lock (_lock)
            {
                if (Count >= count)
                {
                    return Task.CompletedTask;
                }
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                return reached.Task;
            }
        }
    }
}
