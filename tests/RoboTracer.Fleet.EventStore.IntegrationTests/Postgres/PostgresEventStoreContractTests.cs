using Microsoft.Extensions.Time.Testing;
using Npgsql;
using RoboTracer.Fleet.EventStore.GroupCommit;
using RoboTracer.Fleet.EventStore.Postgres;
using RoboTracer.Fleet.EventStore.Retention;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Postgres;

/// <summary>The contract on PostgreSQL: a fresh schema per test in the collection's server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEventStoreContractTests(PostgresFixture fixture) : EventStoreContractTests
{
    private readonly string _schema = fixture.NewSchema();

    // jsonb cannot hold malformed JSON; valid JSON of the wrong shape is what a bad row looks like here.
    protected override string CorruptPayload => "[1, 2, 3]";

    protected override async Task<IEventStore> OpenStoreCoreAsync(EventStoreOptions options) =>
        await PostgresEventStore.OpenAsync(fixture.ConnectionString, options, _schema);

    protected override async Task OverwritePayloadAsync(long position, string payload)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var command = dataSource.CreateCommand($"UPDATE {_schema}.events SET data = $1::jsonb WHERE position = $2");
        command.Parameters.Add(new() { Value = payload });
        command.Parameters.Add(new() { Value = position });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    protected override async Task<long> CountBlobRowsAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {_schema}.blobs");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    protected override long BatchesCommitted(IEventStore store) => ((PostgresEventStore)store).Statistics.Batches;

    [Fact]
    public async Task Migrations_are_recorded_once_per_version()
    {
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => OpenStoreAsync()));
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT count(*), count(DISTINCT version), max(version) FROM {_schema}.schema_migrations");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        // Every migration once: the tables, advance_head, the Orleans clustering and reminder tables.
        Assert.Equal((3L, 3L, 3), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2)));
    }

    [Fact]
    public async Task A_subscriber_is_woken_by_notify_when_another_node_appends()
    {
        // No poll to fall back on within the test's time: only NOTIFY can wake this subscriber.
        var subscriberNode = await OpenStoreAsync(new EventStoreOptions { SubscriptionPollInterval = TimeSpan.FromHours(1) });
        var writerNode = await OpenStoreAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var subscription = subscriberNode.SubscribeAsync(0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = subscription.MoveNextAsync().AsTask();

        await writerNode.AppendAsync("robot-1", ExpectedVersion.NoStream, [TestEvents.Moved("robot-1", 1)]);

        Assert.True(await next);
        Assert.Equal(1, subscription.Current.Position);
    }

    [Fact]
    public async Task Two_nodes_appending_concurrently_give_a_subscriber_every_event_once_in_order()
    {
        var nodes = await Task.WhenAll(OpenStoreAsync(), OpenStoreAsync(), OpenStoreAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var seen = CollectAsync(nodes[2].SubscribeAsync(0, timeout.Token), 2000);

        var acked = await Task.WhenAll(nodes[..2].SelectMany((node, n) => Enumerable.Range(0, 10).Select(w => Task.Run(async () =>
        {
            var positions = new List<long>();
            for (var i = 0; i < 100; i++)
            {
                positions.Add((await node.AppendAsync($"node-{n}-{w}", ExpectedVersion.Exact(i), [TestEvents.Moved("r", i)])).FirstPosition);
            }
            return positions;
        }))));

        Assert.Equal(acked.SelectMany(p => p).Order(), (await seen).Select(e => e.Position));
        Assert.Equal(Enumerable.Range(1, 2000).Select(p => (long)p), (await seen).Select(e => e.Position));
    }

    [Fact]
    public async Task After_another_node_moves_the_head_a_pipelined_writer_plans_again_and_goes_on_in_order()
    {
        // a's clock moves only when the test moves it (FakeTimeProvider's timestamps, which the writer times its pauses
        // with, move with its time), so its pause after a plan that did not hold lasts until then.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = (PostgresEventStore)await OpenStoreAsync(new EventStoreOptions { TimeProvider = clock });
        var b = await OpenStoreAsync();
        await a.AppendAsync("a-0", ExpectedVersion.NoStream, [TestEvents.Moved("a", 0)]);
        // Behind a's back: a's next batch is planned on the head a predicted (position 1) and cannot commit there.
        await b.AppendAsync("b-0", ExpectedVersion.NoStream, [TestEvents.Moved("b", 0)]);

        var moved = await a.AppendAsync("a-1", ExpectedVersion.NoStream, [TestEvents.Moved("a", 1)]);

        Assert.Equal(3, moved.FirstPosition);
        Assert.Equal(1, a.BatchesPlannedAgain);
        // Planned again, the writer goes one batch at a time for a while, then pipelines again; either way every
        // append of a burst commits, at positions with no gap, each stream's versions in order.
        Assert.Equal(1, ((IBatchWriter)a).MaxConcurrentBatches);
        await BurstAsync(a, "first", 4);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.NotEqual(1, ((IBatchWriter)a).MaxConcurrentBatches);
        await BurstAsync(a, "second", 4 + 400);

        var all = await ListAsync(b.ReadAllAsync());
        Assert.Equal(Enumerable.Range(1, 803).Select(p => (long)p), all.Select(e => e.Position));
        Assert.Equal(1, a.BatchesPlannedAgain);
    }

    [Fact]
    public async Task While_another_node_keeps_writing_a_writer_stays_one_batch_at_a_time_instead_of_colliding_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = (PostgresEventStore)await OpenStoreAsync(new EventStoreOptions { TimeProvider = clock });
        var b = await OpenStoreAsync();
        await a.AppendAsync("a-0", ExpectedVersion.NoStream, [TestEvents.Moved("a", 0)]);
        await b.AppendAsync("b-0", ExpectedVersion.NoStream, [TestEvents.Moved("b", 0)]);
        await a.AppendAsync("a-1", ExpectedVersion.NoStream, [TestEvents.Moved("a", 1)]);
        Assert.Equal(1, a.BatchesPlannedAgain);

        // b goes on writing between a's batches; each of a's batches, planned on the table, sees that and keeps the
        // pause going, so a never pipelines onto b's positions again (a pause of a fixed length ran out after 2 s).
        for (var i = 0; i < 4; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1.5));
            await b.AppendAsync($"b-{i + 1}", ExpectedVersion.NoStream, [TestEvents.Moved("b", i + 1)]);
            Assert.Equal(1, ((IBatchWriter)a).MaxConcurrentBatches);
            await a.AppendAsync($"a-{i + 2}", ExpectedVersion.NoStream, [TestEvents.Moved("a", i + 2)]);
        }
        Assert.Equal(1, a.BatchesPlannedAgain);

        // b falls silent: once the pause runs out a pipelines again.
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.NotEqual(1, ((IBatchWriter)a).MaxConcurrentBatches);
        await BurstAsync(a, "alone", 12);
        Assert.Equal(1, a.BatchesPlannedAgain);
        var all = await ListAsync(b.ReadAllAsync());
        Assert.Equal(Enumerable.Range(1, 411).Select(p => (long)p), all.Select(e => e.Position));
    }

    [Fact]
    public async Task A_payload_jsonb_refuses_fails_alone_while_the_batches_planned_behind_it_commit_in_order()
    {
        var store = (PostgresEventStore)await OpenStoreAsync();
        // Valid JSON, so the append is taken; but jsonb cannot hold \u0000, so PostgreSQL refuses the COPY of the
        // batch it joined, which the writer then retries append by append. The batches already planned on the head
        // that batch would have left (in three runs, one or two each time) must be planned again, not commit over
        // a hole in the positions.
        var refused = new EventData("RobotMoved", "{\"note\":\"\\u0000\"}"u8.ToArray());

        var underWay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var burst = BurstAsync(store, "around", 1, underWay);
        // Once 50 of the burst's appends are acknowledged (or the burst failed, which awaiting it then reports).
        await Task.WhenAny(underWay.Task, burst);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
        {
            var error = await Assert.ThrowsAsync<EventStoreException>(() => store.AppendAsync($"refused-{i}", ExpectedVersion.Any, [refused]));
            Assert.Contains($"refused the append to stream 'refused-{i}'", error.Message, StringComparison.Ordinal);
        }));
        await burst;

        var all = await ListAsync(store.ReadAllAsync());
        Assert.Equal(Enumerable.Range(1, 400).Select(p => (long)p), all.Select(e => e.Position));
        Assert.DoesNotContain(all, e => e.StreamId.StartsWith("refused-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_version_cache_makes_room_from_committed_batches_and_the_writer_keeps_pipelining()
    {
        var store = (PostgresEventStore)await OpenStoreAsync(new EventStoreOptions { MaxCachedStreams = 32 });

        // 8 writers, each going round 25 streams of its own: 200 streams, far more than the cache holds, but never
        // more than 8 appends in flight, so the batches in flight and the one being planned never need more than 16
        // places. Emptying the cache would stop the pipeline (for 2 s each time); dropping the versions of committed
        // batches need not.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await store.AppendAsync($"many-{w}-{i % 25}", ExpectedVersion.Exact(i / 25), [TestEvents.Moved("many", i)]);
            }
        })));

        Assert.NotEqual(1, ((IBatchWriter)store).MaxConcurrentBatches);
        Assert.Equal(0, store.BatchesPlannedAgain);
        var all = await ListAsync(store.ReadAllAsync());
        Assert.Equal(Enumerable.Range(1, 800).Select(p => (long)p), all.Select(e => e.Position));
        Assert.All(all.GroupBy(e => e.StreamId), s => Assert.Equal([1L, 2, 3, 4], s.Select(e => e.Version)));
    }

    // 8 writers × 50 appends of one event each, each writer on its own stream; checks the positions they got.
    // underWay, when given, completes once 50 of the 400 appends are acknowledged.
    private static async Task BurstAsync(IEventStore store, string name, long firstPosition, TaskCompletionSource? underWay = null)
    {
        var acknowledged = 0;
        var positions = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var got = new List<long>();
            for (var i = 0; i < 50; i++)
            {
                got.Add((await store.AppendAsync($"{name}-{w}", ExpectedVersion.Exact(i), [TestEvents.Moved(name, i)])).FirstPosition);
                if (Interlocked.Increment(ref acknowledged) == 50)
                {
                    underWay?.TrySetResult();
                }
            }
            return got;
        })));
        Assert.All(positions, p => Assert.Equal(p.Order(), p));
        Assert.Equal(Enumerable.Range(0, 400).Select(p => firstPosition + p), positions.SelectMany(p => p).Order());
    }

    [Fact]
    public async Task A_node_with_cached_versions_still_sees_another_nodes_append_as_a_conflict()
    {
        var a = await OpenStoreAsync();
        var b = await OpenStoreAsync();
        await a.AppendAsync("task-1", ExpectedVersion.NoStream, [Created("task-1")]);
        await b.AppendAsync("task-1", ExpectedVersion.Exact(1), [Step("task-1", 1)]);

        var stale = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => a.AppendAsync("task-1", ExpectedVersion.Exact(1), [Step("task-1", 2)]));
        var fresh = await a.AppendAsync("task-1", ExpectedVersion.Exact(2), [Step("task-1", 2)]);

        Assert.Equal(2, stale.ActualVersion);
        Assert.Equal(3, fresh.LastVersion);
    }

    [Fact]
    public async Task A_stream_dropped_by_retention_starts_again_at_version_one_for_a_writer_that_knew_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = await OpenStoreAsync(new EventStoreOptions { TimeProvider = clock });
        await store.AppendAsync("task-1", ExpectedVersion.NoStream, [Created("task-1"), Finished("task-1")]);
        clock.Advance(TimeSpan.FromDays(2));
        await store.ApplyRetentionAsync(new RetentionPolicy { StreamPrefix = "task-", TerminalEventTypes = [nameof(TaskFinished)], MinimumAge = TimeSpan.FromDays(1) });

        var again = await store.AppendAsync("task-1", ExpectedVersion.NoStream, [Created("task-1")]);

        Assert.Equal(1, again.FirstVersion);
    }
}
