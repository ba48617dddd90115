using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using RoboTracer.Fleet.EventStore.Retention;
using RoboTracer.Fleet.EventStore.Serialization;

namespace RoboTracer.Fleet.EventStore.IntegrationTests;

/// <summary>
/// The <see cref="IEventStore"/> contract, run against every store (SQLite and PostgreSQL derive from it). Each
/// test gets a fresh, empty database from <see cref="OpenStoreAsync"/>; opening it again within the test opens
/// the same database (another node, or a restart).
/// </summary>
public abstract class EventStoreContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);
    private readonly List<IEventStore> _stores = [];

    /// <summary>Opens a store on this test's database (the same one every time within a test).</summary>
    protected abstract Task<IEventStore> OpenStoreCoreAsync(EventStoreOptions options);

    /// <summary>Overwrites the stored payload of the event at <paramref name="position"/>, bypassing the store.</summary>
    protected abstract Task OverwritePayloadAsync(long position, string payload);

    /// <summary>A payload the database holds but the event's type cannot be read from.</summary>
    protected abstract string CorruptPayload { get; }

    protected abstract Task<long> CountBlobRowsAsync();

    protected abstract long BatchesCommitted(IEventStore store);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected async Task<IEventStore> OpenStoreAsync(EventStoreOptions? options = null)
    {
        var store = await OpenStoreCoreAsync(options ?? new EventStoreOptions());
        lock (_stores)
        {
            _stores.Add(store);
        }
        return store;
    }

    [Fact]
    public async Task Append_to_a_new_stream_numbers_versions_from_one_and_positions_in_order()
    {
        var store = await OpenStoreAsync();

        var first = await store.AppendAsync("robot-1", ExpectedVersion.NoStream, [TestEvents.Moved("robot-1", 1), TestEvents.Moved("robot-1", 2)]);
        var second = await store.AppendAsync("robot-1", first.NextExpectedVersion, [TestEvents.Moved("robot-1", 3)]);

        Assert.Equal((1, 2, 1, 2, false), (first.FirstVersion, first.LastVersion, first.FirstPosition, first.LastPosition, first.AlreadyAppended));
        Assert.Equal((3, 3, 3, 3), (second.FirstVersion, second.LastVersion, second.FirstPosition, second.LastPosition));
        Assert.Equal(3, await store.GetStreamVersionAsync("robot-1"));
        Assert.Equal(0, await store.GetStreamVersionAsync("robot-2"));
        Assert.Equal(3, await store.GetHeadPositionAsync());
        var xs = new List<double>();
        await foreach (var e in store.ReadStreamAsync("robot-1"))
        {
            xs.Add(TestEvents.Serializer.Deserialize<RobotMoved>(e).X);
        }
        Assert.Equal([1.0, 2.0, 3.0], xs);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(300)]
    public async Task An_append_of_any_size_reads_back_as_written_and_its_retry_is_recognised(int count)
    {
        var store = await OpenStoreAsync();
        EventData Event(int i, string? key) => TestEvents.Serializer.Serialize(new TaskCreated("task-big", $"pick up the cup nº{i} \"quoted\" — ✓"), key);
        var keyed = Enumerable.Range(0, count).Select(i => Event(i, $"key-{i}")).ToList();
        var unkeyed = Enumerable.Range(count, count).Select(i => Event(i, null)).ToList();
        await store.AppendAsync("robot-0", ExpectedVersion.NoStream, [TestEvents.Moved("robot-0", 1)]);

        var appended = await store.AppendAsync("task-big", ExpectedVersion.NoStream, keyed);
        var retried = await store.AppendAsync("task-big", ExpectedVersion.NoStream, keyed);
        await store.AppendAsync("task-big", ExpectedVersion.Exact(count), unkeyed);

        Assert.Equal((1L, (long)count, 2L, count + 1L), (appended.FirstVersion, appended.LastVersion, appended.FirstPosition, appended.LastPosition));
        Assert.True(retried.AlreadyAppended);
        var read = new List<RecordedEvent>();
        await foreach (var e in store.ReadStreamAsync("task-big"))
        {
            read.Add(e);
        }
        Assert.Equal(Enumerable.Range(1, 2 * count).Select(v => (long)v), read.Select(e => e.Version));
        Assert.Equal(Enumerable.Range(2, 2 * count).Select(p => (long)p), read.Select(e => e.Position));
        Assert.Equal(keyed.Concat(unkeyed).Select(e => e.IdempotencyKey), read.Select(e => e.IdempotencyKey));
        Assert.Equal(keyed.Concat(unkeyed).Select(e => e.EventType), read.Select(e => e.EventType));
        Assert.Equal(
            Enumerable.Range(0, 2 * count).Select(i => $"pick up the cup nº{i} \"quoted\" — ✓"),
            read.Select(e => TestEvents.Serializer.Deserialize<TaskCreated>(e).Instruction));
        Assert.All(read.Zip(read.Skip(1)), pair => Assert.True(pair.Second.RecordedAt >= pair.First.RecordedAt));
    }

    [Fact]
    public async Task Two_writers_with_the_same_expected_version_one_wins_and_the_other_gets_the_actual_version()
    {
        var store = await OpenStoreAsync();
        await store.AppendAsync("task-7", ExpectedVersion.NoStream, [Created("task-7")]);
        var version = await store.GetStreamVersionAsync("task-7");

        var writers = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            try
            {
                return (object)await store.AppendAsync("task-7", ExpectedVersion.Exact(version), [Step("task-7", i)]);
            }
            catch (WrongExpectedVersionException e)
            {
                return e;
            }
        })));

        var winner = Assert.Single(writers.OfType<AppendResult>());
        var loser = Assert.Single(writers.OfType<WrongExpectedVersionException>());
        Assert.Equal(2, winner.LastVersion);
        Assert.Equal("task-7", loser.StreamId);
        Assert.Equal(ExpectedVersion.Exact(1), loser.ExpectedVersion);
        Assert.Equal(2, loser.ActualVersion);
        Assert.Equal(2, await CountAsync(store.ReadStreamAsync("task-7")));
    }

    [Fact]
    public async Task No_stream_and_exact_expectations_are_enforced_and_any_always_appends()
    {
        var store = await OpenStoreAsync();
        await store.AppendAsync("task-1", ExpectedVersion.Any, [Created("task-1")]);

        var exists = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync("task-1", ExpectedVersion.NoStream, [Step("task-1", 1)]));
        var missing = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync("task-2", ExpectedVersion.Exact(3), [Step("task-2", 1)]));
        var any = await store.AppendAsync("task-1", ExpectedVersion.Any, [Step("task-1", 1)]);

        Assert.Equal(1, exists.ActualVersion);
        Assert.Equal(0, missing.ActualVersion);
        Assert.Contains("expected version 3 but the stream is at version 0", missing.Message, StringComparison.Ordinal);
        Assert.Equal(2, any.LastVersion);
        Assert.Equal(2, await store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task A_conflicting_append_fails_alone_and_the_rest_of_its_group_commit_is_written()
    {
        var store = await OpenStoreAsync();

        var race = Enumerable.Range(0, 40).Select(i => Outcome(store.AppendAsync("contested", ExpectedVersion.NoStream, [Step("contested", i)]))).ToList();
        var others = Enumerable.Range(0, 40).Select(i => store.AppendAsync($"own-{i}", ExpectedVersion.NoStream, [Step($"own-{i}", i)])).ToList();
        var outcomes = await Task.WhenAll(race);
        var written = await Task.WhenAll(others);

        Assert.Single(outcomes.OfType<AppendResult>());
        var conflicts = outcomes.OfType<WrongExpectedVersionException>().ToList();
        Assert.Equal(39, conflicts.Count);
        Assert.All(conflicts, c => Assert.Equal(1, c.ActualVersion));
        Assert.All(written, r => Assert.Equal(1, r.LastVersion));
        Assert.Equal(41, await CountAsync(store.ReadAllAsync()));
    }

    [Fact]
    public async Task Concurrent_appends_are_group_committed_into_fewer_transactions()
    {
        var store = await OpenStoreAsync();

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => store.AppendAsync($"robot-{i % 30}", ExpectedVersion.Any, [TestEvents.Moved("r", i)])));

        Assert.Equal(300, await store.GetHeadPositionAsync());
        Assert.InRange(BatchesCommitted(store), 1, 299);
    }

    [Fact]
    public async Task A_retried_append_with_the_same_idempotency_keys_returns_the_original_positions_and_writes_nothing()
    {
        var store = await OpenStoreAsync();
        EventData[] Events() => [Created("task-3", key: "cmd-1/0"), Step("task-3", 1, key: "cmd-1/1")];
        var original = await store.AppendAsync("task-3", ExpectedVersion.NoStream, Events());
        await store.AppendAsync("other", ExpectedVersion.NoStream, [Step("other", 1)]);

        // The retry's expected version is stale now; a retry is recognised by its keys before versions are checked.
        var retry = await store.AppendAsync("task-3", ExpectedVersion.NoStream, Events());

        Assert.True(retry.AlreadyAppended);
        Assert.Equal((original.FirstPosition, original.LastPosition, original.FirstVersion, original.LastVersion), (retry.FirstPosition, retry.LastPosition, retry.FirstVersion, retry.LastVersion));
        Assert.Equal(2, await store.GetStreamVersionAsync("task-3"));
        Assert.Equal(3, await store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Concurrent_retries_of_one_append_write_it_once()
    {
        var store = await OpenStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => store.AppendAsync("task-4", ExpectedVersion.Any, [Created("task-4", key: "create")])));

        Assert.Single(results.Select(r => r.FirstPosition).Distinct());
        Assert.Single(results, r => !r.AlreadyAppended);
        Assert.Equal(1, await CountAsync(store.ReadStreamAsync("task-4")));
    }

    [Fact]
    public async Task A_retry_sent_while_its_original_is_still_being_written_is_answered_as_a_retry()
    {
        var store = await OpenStoreAsync();
        // A burst keeps the writer busy, so the retry most often arrives while the original's batch is being written.
        // A pipelined writer (PostgreSQL) then plans the retry before that batch commits: the table cannot tell it
        // about the key yet, the writer must.
        var busy = Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await store.AppendAsync($"busy-{w}", ExpectedVersion.Exact(i), [TestEvents.Moved("busy", i)]);
            }
        })));
        var pairs = new List<(Task<AppendResult> Original, Task<AppendResult> Retry)>();
        for (var i = 0; i < 40; i++)
        {
            var original = store.AppendAsync($"retried-{i}", ExpectedVersion.NoStream, [TestEvents.Moved("r", i, key: "hello")]);
            // Only spaces the two so that the retry tends to join a later batch; the assertions hold however it falls.
            await Task.Delay(1);
            pairs.Add((original, store.AppendAsync($"retried-{i}", ExpectedVersion.NoStream, [TestEvents.Moved("r", i, key: "hello")])));
        }

        foreach (var (original, retry) in pairs)
        {
            var (first, again) = (await original, await retry);
            Assert.False(first.AlreadyAppended);
            Assert.True(again.AlreadyAppended);
            Assert.Equal(first.FirstPosition, again.FirstPosition);
        }
        await busy;
        var all = await ListAsync(store.ReadAllAsync());
        Assert.Equal(Enumerable.Range(1, 440).Select(p => (long)p), all.Select(e => e.Position));
        Assert.Equal(40, all.Count(e => e.StreamId.StartsWith("retried-", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(3)]
    public async Task Writers_contending_for_streams_are_never_told_a_version_older_than_one_they_saw(int maxCachedStreams)
    {
        // With room for 3 streams a writer's version cache (PostgreSQL) overflows in almost every batch, mid-pipeline.
        var store = await OpenStoreAsync(new EventStoreOptions { MaxCachedStreams = maxCachedStreams });
        const int streams = 24, appendsPerWriter = 40;
        var backwards = new ConcurrentQueue<string>();

        // Two writers per stream, each appending with the version it last learned, from its acknowledgement or from
        // a conflict. Versions only grow, so a conflict that reports one below what the writer already saw was
        // decided on a stale version (say, read from the table while a batch that writes the stream was in flight).
        await Task.WhenAll(Enumerable.Range(0, 2 * streams).Select(w => Task.Run(async () =>
        {
            var stream = $"shared-{w % streams}";
            var known = 0L;
            for (var appended = 0; appended < appendsPerWriter;)
            {
                try
                {
                    known = (await store.AppendAsync(stream, ExpectedVersion.Exact(known), [TestEvents.Moved(stream, w)])).LastVersion;
                    appended++;
                }
                catch (WrongExpectedVersionException e)
                {
                    if (e.ActualVersion < known)
                    {
                        backwards.Enqueue($"{stream}: writer {w} knew version {known}, was told {e.ActualVersion}");
                    }
                    known = e.ActualVersion;
                }
            }
        })));

        Assert.Empty(backwards);
        var all = await ListAsync(store.ReadAllAsync());
        Assert.Equal(Enumerable.Range(1, 2 * streams * appendsPerWriter).Select(p => (long)p), all.Select(e => e.Position));
        Assert.All(all.GroupBy(e => e.StreamId), s => Assert.Equal(Enumerable.Range(1, 2 * appendsPerWriter).Select(v => (long)v), s.Select(e => e.Version)));
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_in_an_append_that_is_not_a_retry_is_rejected()
    {
        var store = await OpenStoreAsync();
        await store.AppendAsync("task-5", ExpectedVersion.NoStream, [Created("task-5", key: "a"), Step("task-5", 1, key: "b")]);

        var error = await Assert.ThrowsAsync<IdempotencyKeyConflictException>(() => store.AppendAsync("task-5", ExpectedVersion.Any, [Step("task-5", 2, key: "b"), Step("task-5", 3, key: "c")]));
        // The same key in another stream is another key.
        var elsewhere = await store.AppendAsync("task-6", ExpectedVersion.NoStream, [Created("task-6", key: "a")]);

        Assert.Equal("b", error.IdempotencyKey);
        Assert.Equal(2, error.RecordedVersion);
        Assert.False(elsewhere.AlreadyAppended);
        Assert.Equal(2, await store.GetStreamVersionAsync("task-5"));
    }

    [Fact]
    public async Task Reads_return_streams_from_a_version_and_everything_after_a_position_in_order_across_pages()
    {
        var store = await OpenStoreAsync(new EventStoreOptions { ReadPageSize = 3 });
        for (var i = 0; i < 10; i++)
        {
            await store.AppendAsync(i % 2 == 0 ? "even" : "odd", ExpectedVersion.Any, [TestEvents.Moved("r", i)]);
        }

        var evens = await ListAsync(store.ReadStreamAsync("even", fromVersion: 2));
        var all = await ListAsync(store.ReadAllAsync(afterPosition: 4));

        Assert.Equal([2L, 3, 4, 5], evens.Select(e => e.Version));
        Assert.Equal([3L, 5, 7, 9], evens.Select(e => e.Position));
        Assert.Equal([5L, 6, 7, 8, 9, 10], all.Select(e => e.Position));
        Assert.Equal(["even", "odd", "even", "odd", "even", "odd"], all.Select(e => e.StreamId));
        Assert.Empty(await ListAsync(store.ReadStreamAsync("missing")));
    }

    [Fact]
    public async Task A_live_subscription_sees_10000_events_from_8_concurrent_writers_once_each_in_position_order()
    {
        var store = await OpenStoreAsync();
        using var timeout = new CancellationTokenSource(Generous);
        const int Writers = 8, PerWriter = 1250, Total = Writers * PerWriter;
        var early = CollectAsync(store.SubscribeAsync(0, timeout.Token), Total);
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acknowledged = 0;

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var positions = new List<long>();
            for (var version = 0; version < PerWriter / 2; version++)
            {
                // Single-event appends with exact expected versions, to two streams per writer, two in flight.
                var pair = await Task.WhenAll(
                    store.AppendAsync($"robot-{w}-a", ExpectedVersion.Exact(version), [TestEvents.Moved($"robot-{w}", version)]),
                    store.AppendAsync($"robot-{w}-b", ExpectedVersion.Exact(version), [TestEvents.Moved($"robot-{w}", version)]));
                positions.AddRange(pair.Select(r => r.FirstPosition));
                if (Interlocked.Add(ref acknowledged, 2) >= Total / 2)
                {
                    halfway.TrySetResult();
                }
            }
            return positions;
        })).ToList();
        await halfway.Task.WaitAsync(timeout.Token);
        // Starts mid-run: catches up from the beginning, then follows live.
        var late = CollectAsync(store.SubscribeAsync(0, timeout.Token), Total);
        var acked = (await Task.WhenAll(writers)).SelectMany(p => p).Order().ToList();

        Assert.Equal(Total, acked.Count);
        foreach (var seen in new[] { await early, await late })
        {
            var positions = seen.Select(e => e.Position).ToList();
            Assert.Equal(acked, positions); // every acknowledged event, each once, in position order
        }
        Assert.Equal(Enumerable.Range(1, Total).Select(p => (long)p), acked); // and positions have no holes
    }

    [Fact]
    public async Task A_subscription_from_a_checkpoint_starts_after_it()
    {
        var store = await OpenStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync("r", ExpectedVersion.Any, [TestEvents.Moved("r", i)]);
        }
        using var timeout = new CancellationTokenSource(Generous);

        var seen = CollectAsync(store.SubscribeAsync(3, timeout.Token), 4);
        await store.AppendAsync("r", ExpectedVersion.Any, [TestEvents.Moved("r", 5), TestEvents.Moved("r", 6)]);

        Assert.Equal([4L, 5, 6, 7], (await seen).Select(e => e.Position));
    }

    [Fact]
    public async Task An_unknown_event_type_reads_back_as_raw_json()
    {
        var store = await OpenStoreAsync();
        await store.AppendAsync("task-9", ExpectedVersion.NoStream, [new EventData("GripperCalibrated", """{"force": 12.5, "units": "N"}"""u8.ToArray())]);

        var recorded = Assert.Single(await ListAsync(store.ReadStreamAsync("task-9")));
        var raw = Assert.IsType<RawEvent>(TestEvents.Serializer.Deserialize(recorded));

        Assert.Equal("GripperCalibrated", raw.EventType);
        Assert.Equal(12.5, raw.Data.GetProperty("force").GetDouble());
        Assert.Equal("N", raw.Data.GetProperty("units").GetString());
    }

    [Fact]
    public async Task A_malformed_payload_fails_on_read_with_the_event_named()
    {
        var store = await OpenStoreAsync();
        var result = await store.AppendAsync("task-10", ExpectedVersion.NoStream, [Created("task-10"), Step("task-10", 1)]);
        await OverwritePayloadAsync(result.FirstPosition, CorruptPayload);

        var events = await ListAsync(store.ReadStreamAsync("task-10"));
        var error = Assert.Throws<EventDeserializationException>(() => TestEvents.Serializer.Deserialize(events[0]));

        Assert.Equal(result.FirstPosition, error.Position);
        Assert.Equal("task-10", error.StreamId);
        Assert.Equal(nameof(TaskCreated), error.EventType);
        Assert.Contains("could not be deserialized", error.Message, StringComparison.Ordinal);
        Assert.IsType<StepStarted>(TestEvents.Serializer.Deserialize(events[1])); // the rest of the stream still reads
    }

    [Fact]
    public async Task A_blob_round_trips_by_its_sha256_and_is_stored_once()
    {
        var store = await OpenStoreAsync();
        var image = new byte[300_000];
        new Random(7).NextBytes(image);

        var hash = await store.PutBlobAsync(image);
        var again = await store.PutBlobAsync(image.ToArray());
        var read = await store.GetBlobAsync(hash);

        Assert.Equal(BlobHash.Compute(image), hash);
        Assert.Equal(hash, again);
        Assert.Equal(image, read);
        Assert.Equal(1, await CountBlobRowsAsync());
        Assert.Null(await store.GetBlobAsync(BlobHash.Compute([1, 2, 3])));
    }

    [Fact]
    public async Task An_oversized_event_or_blob_is_rejected_with_the_limit_and_nothing_is_written()
    {
        var store = await OpenStoreAsync(new EventStoreOptions { MaxEventBytes = 100, MaxBlobBytes = 1000 });
        var big = new EventData("Big", Encoding.UTF8.GetBytes($"\"{new string('x', 200)}\""));

        var eventError = await Assert.ThrowsAsync<EventTooLargeException>(() => store.AppendAsync("s", ExpectedVersion.Any, [TestEvents.Moved("r", 1), big]));
        var blobError = await Assert.ThrowsAsync<BlobTooLargeException>(() => store.PutBlobAsync(new byte[1001]));

        Assert.Equal((202, 100), (eventError.Size, eventError.Limit));
        Assert.Contains("limit is 100 bytes", eventError.Message, StringComparison.Ordinal);
        Assert.Equal((1001L, 1000L), (blobError.Size, blobError.Limit));
        Assert.Equal(0, await store.GetHeadPositionAsync());
        Assert.Equal(0, await CountBlobRowsAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("task 1")]
    [InlineData("task/1")]
    [InlineData("tâche-1")]
    [InlineData("task-1\n")]
    public async Task An_invalid_stream_id_is_rejected_with_what_is_wrong(string streamId)
    {
        var store = await OpenStoreAsync();

        var error = await Assert.ThrowsAsync<InvalidStreamIdException>(() => store.AppendAsync(streamId, ExpectedVersion.Any, [TestEvents.Moved("r", 1)]));

        Assert.StartsWith("Stream id '", error.Message, StringComparison.Ordinal);
        Assert.Contains(streamId.Length == 0 ? "it is empty" : "is not allowed", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidStreamIdException>(() => store.ReadStreamAsync(new string('a', StreamId.MaxLength + 1)));
    }

    [Fact]
    public async Task A_payload_that_is_not_one_json_value_is_rejected_at_append()
    {
        var store = await OpenStoreAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("s", ExpectedVersion.Any, [new EventData("Bad", "{\"a\": 1"u8.ToArray())]));

        Assert.Contains("is not one UTF-8 JSON value", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task A_stream_read_as_of_a_position_or_a_time_is_its_history_up_to_then()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var store = await OpenStoreAsync(new EventStoreOptions { TimeProvider = clock });
        await store.AppendAsync("task-8", ExpectedVersion.NoStream, [Created("task-8")]);
        var middle = await store.AppendAsync("task-8", ExpectedVersion.Exact(1), [Step("task-8", 1)]);
        var middleTime = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMinutes(5));
        await store.AppendAsync("task-8", ExpectedVersion.Exact(2), [Step("task-8", 2), Finished("task-8")]);

        var byPosition = await ListAsync(store.ReadStreamAsOfAsync("task-8", AsOf.Position(middle.LastPosition)));
        var byTime = await ListAsync(store.ReadStreamAsOfAsync("task-8", AsOf.Time(middleTime.AddMinutes(1))));
        var before = await ListAsync(store.ReadStreamAsOfAsync("task-8", AsOf.Time(middleTime.AddDays(-1))));
        var now = await ListAsync(store.ReadStreamAsOfAsync("task-8", AsOf.Time(clock.GetUtcNow())));

        Assert.Equal([1L, 2], byPosition.Select(e => e.Version));
        Assert.Equal([1L, 2], byTime.Select(e => e.Version));
        Assert.Empty(before);
        Assert.Equal([1L, 2, 3, 4], now.Select(e => e.Version));
        Assert.Equal(middleTime, byTime[1].RecordedAt);
    }

    [Fact]
    public async Task Retention_archives_and_drops_only_finished_streams_older_than_the_minimum_age()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = await OpenStoreAsync(new EventStoreOptions { TimeProvider = clock });
        await store.AppendAsync("task-done", ExpectedVersion.NoStream, [Created("task-done"), Step("task-done", 1), Finished("task-done")]);
        await store.AppendAsync("task-running", ExpectedVersion.NoStream, [Created("task-running"), Step("task-running", 1)]);
        await store.AppendAsync("task-reopened", ExpectedVersion.NoStream, [Created("task-reopened"), Finished("task-reopened"), Step("task-reopened", 2)]);
        await store.AppendAsync("robot-1", ExpectedVersion.NoStream, [Finished("robot-1")]);
        clock.Advance(TimeSpan.FromDays(20));
        await store.AppendAsync("task-recent", ExpectedVersion.NoStream, [Created("task-recent"), Finished("task-recent")]);
        clock.Advance(TimeSpan.FromDays(15));
        var headBefore = await store.GetHeadPositionAsync();
        using var archive = new MemoryStream();

        var result = await store.ApplyRetentionAsync(new RetentionPolicy
        {
            StreamPrefix = "task-",
            TerminalEventTypes = [nameof(TaskFinished)],
            MinimumAge = TimeSpan.FromDays(30),
            Archive = archive,
        });

        Assert.Equal(["task-done"], result.Streams);
        Assert.Equal((3L, 3L), (result.EventsArchived, result.EventsDropped));
        Assert.Empty(await ListAsync(store.ReadStreamAsync("task-done")));
        foreach (var (stream, count) in new[] { ("task-running", 2), ("task-reopened", 3), ("robot-1", 1), ("task-recent", 2) })
        {
            Assert.Equal(count, await CountAsync(store.ReadStreamAsync(stream)));
        }
        archive.Position = 0;
        var archived = await ListAsync(RetentionArchive.ReadAsync(archive));
        Assert.Equal([1L, 2, 3], archived.Select(e => e.Version));
        Assert.All(archived, e => Assert.Equal("task-done", e.StreamId));
        Assert.Equal("task-done", TestEvents.Serializer.Deserialize<TaskFinished>(archived[2]).Task);

        // Positions are never handed out twice, even though the dropped events included old ones.
        var next = await store.AppendAsync("task-new", ExpectedVersion.NoStream, [Created("task-new")]);
        Assert.Equal(headBefore + 1, next.FirstPosition);
    }

    [Fact]
    public async Task Retention_never_reuses_the_positions_of_dropped_newest_events()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = await OpenStoreAsync(new EventStoreOptions { TimeProvider = clock });
        await store.AppendAsync("task-a", ExpectedVersion.NoStream, [Created("task-a")]);
        var last = await store.AppendAsync("task-b", ExpectedVersion.NoStream, [Created("task-b"), Finished("task-b")]);
        clock.Advance(TimeSpan.FromDays(2));

        var result = await store.ApplyRetentionAsync(new RetentionPolicy { StreamPrefix = "", TerminalEventTypes = [nameof(TaskFinished)], MinimumAge = TimeSpan.FromDays(1) });
        var next = await store.AppendAsync("task-c", ExpectedVersion.NoStream, [Created("task-c")]);

        Assert.Equal(["task-b"], result.Streams);
        Assert.Equal(last.LastPosition + 1, next.FirstPosition);
        Assert.Equal([1L, 4], (await ListAsync(store.ReadAllAsync())).Select(e => e.Position));
    }

    [Fact]
    public async Task A_retention_policy_without_terminal_types_or_an_action_is_refused()
    {
        var store = await OpenStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.ApplyRetentionAsync(new RetentionPolicy { StreamPrefix = "task-", TerminalEventTypes = [], MinimumAge = TimeSpan.FromDays(1) }));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ApplyRetentionAsync(new RetentionPolicy { StreamPrefix = "task-", TerminalEventTypes = ["X"], MinimumAge = TimeSpan.FromDays(1), Drop = false }));
        await Assert.ThrowsAsync<InvalidStreamIdException>(() => store.ApplyRetentionAsync(new RetentionPolicy { StreamPrefix = "task %", TerminalEventTypes = ["X"], MinimumAge = TimeSpan.FromDays(1) }));
    }

    [Fact]
    public async Task Concurrent_starters_on_an_empty_database_migrate_it_once_and_share_it()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => OpenStoreAsync())));

        await stores[0].AppendAsync("shared", ExpectedVersion.NoStream, [Created("shared")]);
        await stores[3].AppendAsync("shared", ExpectedVersion.Exact(1), [Finished("shared")]);

        Assert.All(await Task.WhenAll(stores.Select(s => s.GetStreamVersionAsync("shared"))), v => Assert.Equal(2, v));
    }

    [Fact]
    public async Task A_reopened_store_keeps_its_events_and_positions()
    {
        var first = await OpenStoreAsync();
        await first.AppendAsync("task-11", ExpectedVersion.NoStream, [Created("task-11", key: "k1")]);
        await first.DisposeAsync();

        var second = await OpenStoreAsync();
        var retry = await second.AppendAsync("task-11", ExpectedVersion.NoStream, [Created("task-11", key: "k1")]);
        var next = await second.AppendAsync("task-11", ExpectedVersion.Exact(1), [Finished("task-11")]);

        Assert.True(retry.AlreadyAppended);
        Assert.Equal(2, next.FirstPosition);
    }

    [Fact]
    public async Task An_append_after_dispose_is_refused()
    {
        var store = await OpenStoreAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendAsync("s", ExpectedVersion.Any, [Created("s")]));
    }

    protected static EventData Created(string task, string? key = null) => TestEvents.Serializer.Serialize(new TaskCreated(task, "clear the table"), key);

    protected static EventData Step(string task, int step, string? key = null) => TestEvents.Serializer.Serialize(new StepStarted(task, step), key);

    protected static EventData Finished(string task) => TestEvents.Serializer.Serialize(new TaskFinished(task, "succeeded"));

    protected static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }
        return list;
    }

    protected static async Task<int> CountAsync<T>(IAsyncEnumerable<T> source) => (await ListAsync(source)).Count;

    /// <summary>Takes <paramref name="count"/> events from a subscription, then stops it.</summary>
    protected static async Task<List<RecordedEvent>> CollectAsync(IAsyncEnumerable<RecordedEvent> subscription, int count)
    {
        var seen = new List<RecordedEvent>(count);
        try
        {
            await foreach (var e in subscription)
            {
                seen.Add(e);
                if (seen.Count == count)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timed out: return what arrived, and let the test's assertion show what is missing.
        }
        return seen;
    }

    private static async Task<object> Outcome(Task<AppendResult> append)
    {
        try
        {
            return await append;
        }
        catch (EventStoreException e)
        {
            return e;
        }
    }
}
