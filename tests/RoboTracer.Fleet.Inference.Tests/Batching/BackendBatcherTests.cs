using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Batching;

namespace RoboTracer.Fleet.Inference.Tests.Batching;

/// <summary>
/// The dynamic batcher: batch formation, the bounded queue, deadlines and cancellation while queued. Time is a
/// manual clock where it matters, so batch sizes and the simulated a + b·n cost are exact, not measured.
/// </summary>
public sealed class BackendBatcherTests : IDisposable
{
    private static readonly TimeSpan A = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan B = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly InferenceMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task Under_saturation_batches_fill_to_MaxBatchSize_and_each_costs_a_plus_b_n()
    {
        var time = new ManualTimeProvider();
        var backend = new RecordingBackend(new SimulatedBackend(new SimulatedBackendOptions { FixedLatency = A, PerItemLatency = B }, time));
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.Zero }, time);
        // The first request finds an idle backend and goes alone; 32 more queue up behind it.
        var first = batcher.TraceAsync(TestInputs.Job("0"), () => false, default);
        await backend.NextBatchAsync();
        var rest = Enumerable.Range(1, 32).Select(i => batcher.TraceAsync(TestInputs.Job($"{i}"), () => false, default)).ToList();

        var responses = await RunClockUntilAsync(time, Task.WhenAll([first, .. rest]));

        Assert.Equal([1, 8, 8, 8, 8], backend.Batches.Select(b => b.Count));
        // Four full batches of a + 8b back to back: the backend's ideal throughput, 8 / (a + 8b), at saturation.
        Assert.Equal((A + B) + (4 * (A + (8 * B))), time.Elapsed);
        Assert.All(responses.Skip(1), r => Assert.Equal(8u, r.Timings.BatchSize));
        Assert.All(responses, r => Assert.Equal("simulated", r.Backend));
        // The last batch waited for the first and three full ones.
        var last = responses[^1].Timings;
        Assert.Equal(((A + B) + (3 * (A + (8 * B)))).TotalMilliseconds, last.QueueMs, 6);
        Assert.Equal((A + (8 * B)).TotalMilliseconds, last.InferenceMs, 6);
    }

    [Fact]
    public async Task A_batch_waits_MaxQueueDelay_for_mates_then_runs_with_what_it_has()
    {
        var time = new ManualTimeProvider();
        var backend = new RecordingBackend();
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.FromMilliseconds(10) }, time);
        var first = batcher.TraceAsync(TestInputs.Job("a"), () => false, default);
        await time.WhenTimerAsync().WaitAsync(Generous);
        var second = batcher.TraceAsync(TestInputs.Job("b"), () => false, default);
        // The executor takes "b" into the forming batch; there is no event for that, so wait for the count.
        Assert.True(SpinWait.SpinUntil(() => batcher.Waiting == 0, Generous));

        time.Advance(TimeSpan.FromMilliseconds(10));
        await Task.WhenAll(first, second).WaitAsync(Generous);

        Assert.Equal([2], backend.Batches.Select(b => b.Count));
    }

    [Fact]
    public async Task A_job_that_waited_the_delay_behind_a_running_batch_runs_as_soon_as_the_backend_is_free()
    {
        var time = new ManualTimeProvider();
        var backend = new RecordingBackend { Hold = true };
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.FromMilliseconds(10) }, time);
        // Should a window stay open after a failed assertion, disposing must not wait for a clock nobody moves.
        await using var unstick = Unstick(time, backend);
        var first = await StartLoneBatchAsync(batcher, time, backend, "a");
        // "b" and "c" queue while "a" runs, and wait there longer than the delay.
        var rest = new[] { "b", "c" }.Select(id => batcher.TraceAsync(TestInputs.Job(id), () => false, default)).ToList();
        time.Advance(TimeSpan.FromMilliseconds(15));

        backend.Release();
        // No more clock: the next batch must start without a window of its own.
        var second = await backend.NextBatchAsync();
        backend.Release();
        await Task.WhenAll([first, .. rest]).WaitAsync(Generous);

        Assert.Equal(["b", "c"], second.Select(j => j.Request.RequestId));
    }

    [Fact]
    public async Task A_job_that_waited_part_of_the_delay_waits_only_the_rest_for_mates()
    {
        var time = new ManualTimeProvider();
        var backend = new RecordingBackend { Hold = true };
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.FromMilliseconds(10) }, time);
        // Should a window stay open after a failed assertion, disposing must not wait for a clock nobody moves.
        await using var unstick = Unstick(time, backend);
        var first = await StartLoneBatchAsync(batcher, time, backend, "a");
        var second = batcher.TraceAsync(TestInputs.Job("b"), () => false, default);
        time.Advance(TimeSpan.FromMilliseconds(6));

        backend.Release();
        // "b" has waited 6 of its 10 ms: the window closes 4 ms later, not 10.
        await time.WhenTimerAsync().WaitAsync(Generous);
        time.Advance(TimeSpan.FromMilliseconds(4));
        var batch = await backend.NextBatchAsync();
        backend.Release();
        await Task.WhenAll(first, second).WaitAsync(Generous);

        Assert.Equal(["b"], batch.Select(j => j.Request.RequestId));
    }

    [Fact]
    public async Task A_full_batch_runs_without_waiting_for_the_delay()
    {
        var backend = new RecordingBackend();
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 2, MaxQueueDelay = TimeSpan.FromHours(1) });

        await Task.WhenAll(
            batcher.TraceAsync(TestInputs.Job("a"), () => false, default),
            batcher.TraceAsync(TestInputs.Job("b"), () => false, default)).WaitAsync(Generous);

        Assert.Equal([2], backend.Batches.Select(b => b.Count));
    }

    [Fact]
    public async Task A_queue_over_capacity_is_resource_exhausted()
    {
        var backend = new RecordingBackend { Hold = true };
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 1, MaxQueueDelay = TimeSpan.Zero, QueueCapacity = 2 });
        var running = batcher.TraceAsync(TestInputs.Job("running"), () => false, default);
        await backend.NextBatchAsync();
        var queued = new[] { batcher.TraceAsync(TestInputs.Job("q1"), () => false, default), batcher.TraceAsync(TestInputs.Job("q2"), () => false, default) };

        var ex = await Assert.ThrowsAsync<RpcException>(() => batcher.TraceAsync(TestInputs.Job("over"), () => false, default));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("Backend 'recording' has 2 requests waiting, its limit; retry on another worker or later.", ex.Status.Detail);
        backend.Hold = false;
        backend.Release();
        await Task.WhenAll([running, .. queued]).WaitAsync(Generous);
        Assert.DoesNotContain("over", backend.Served);
    }

    [Fact]
    public async Task A_request_whose_deadline_passes_while_queued_gets_deadline_exceeded_and_never_reaches_the_backend()
    {
        var backend = new RecordingBackend { Hold = true };
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 1, MaxQueueDelay = TimeSpan.Zero });
        var running = batcher.TraceAsync(TestInputs.Job("running"), () => false, default);
        await backend.NextBatchAsync();
        using var deadline = new CancellationTokenSource();
        var late = batcher.TraceAsync(TestInputs.Job("late"), () => deadline.IsCancellationRequested, deadline.Token);
        var after = batcher.TraceAsync(TestInputs.Job("after"), () => false, default);

        await deadline.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => late.WaitAsync(Generous));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Contains("while waiting for backend 'recording'", ex.Status.Detail, StringComparison.Ordinal);
        backend.Hold = false;
        backend.Release();
        await Task.WhenAll(running, after).WaitAsync(Generous);
        Assert.Equal(["running", "after"], backend.Served);
    }

    [Fact]
    public async Task A_request_whose_deadline_passes_while_its_batch_forms_never_reaches_the_backend()
    {
        var time = new ManualTimeProvider();
        var backend = new RecordingBackend();
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 2, MaxQueueDelay = TimeSpan.FromSeconds(1) }, time);
        using var deadline = new CancellationTokenSource();
        var late = batcher.TraceAsync(TestInputs.Job("late"), () => true, deadline.Token);
        // The executor holds "late" and waits for a batch mate (the window's timer is on the manual clock).
        await time.WhenTimerAsync().WaitAsync(Generous);

        await deadline.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => late.WaitAsync(Generous));
        await batcher.TraceAsync(TestInputs.Job("mate"), () => false, default).WaitAsync(Generous);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(["mate"], backend.Served);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_gets_cancelled_and_frees_its_place_in_the_queue()
    {
        var backend = new RecordingBackend { Hold = true };
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 1, MaxQueueDelay = TimeSpan.Zero, QueueCapacity = 1 });
        var running = batcher.TraceAsync(TestInputs.Job("running"), () => false, default);
        await backend.NextBatchAsync();
        using var caller = new CancellationTokenSource();
        var cancelled = batcher.TraceAsync(TestInputs.Job("cancelled"), () => false, caller.Token);

        await caller.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => cancelled.WaitAsync(Generous));
        var next = batcher.TraceAsync(TestInputs.Job("next"), () => false, default);

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal(1, batcher.Waiting);
        backend.Hold = false;
        backend.Release();
        await Task.WhenAll(running, next).WaitAsync(Generous);
        Assert.Equal(["running", "next"], backend.Served);
    }

    [Fact]
    public async Task A_request_already_in_a_running_batch_still_answers_at_its_deadline()
    {
        var backend = new RecordingBackend { Hold = true };
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 1, MaxQueueDelay = TimeSpan.Zero });
        using var deadline = new CancellationTokenSource();
        var running = batcher.TraceAsync(TestInputs.Job("running"), () => true, deadline.Token);
        await backend.NextBatchAsync();

        await deadline.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => running.WaitAsync(Generous));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        backend.Release();
    }

    [Fact]
    public async Task MaxConcurrentBatches_lets_batches_run_side_by_side()
    {
        var backend = new RecordingBackend { Hold = true };
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 1, MaxQueueDelay = TimeSpan.Zero, MaxConcurrentBatches = 2 });
        var calls = new[] { batcher.TraceAsync(TestInputs.Job("a"), () => false, default), batcher.TraceAsync(TestInputs.Job("b"), () => false, default) };

        await backend.NextBatchAsync();
        await backend.NextBatchAsync();

        backend.Hold = false;
        backend.Release();
        await Task.WhenAll(calls).WaitAsync(Generous);
        Assert.Equal(2, backend.Batches.Count);
    }

    [Fact]
    public async Task A_failing_backend_fails_its_batch_with_internal_and_the_next_batch_runs()
    {
        var backend = new FailOnceBackend();
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 1, MaxQueueDelay = TimeSpan.Zero });

        var ex = await Assert.ThrowsAsync<RpcException>(() => batcher.TraceAsync(TestInputs.Job("a"), () => false, default).WaitAsync(Generous));
        var next = await batcher.TraceAsync(TestInputs.Job("b"), () => false, default).WaitAsync(Generous);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Backend 'fail-once' failed: model crashed", ex.Status.Detail);
        Assert.Equal("fail-once", next.Backend);
    }

    [Fact]
    public async Task A_job_failure_is_its_own_and_does_not_fail_its_batch_mates()
    {
        var backend = new RejectOddBackend();
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 2, MaxQueueDelay = TimeSpan.FromHours(1) });

        var ok = batcher.TraceAsync(TestInputs.Job("0"), () => false, default);
        var bad = batcher.TraceAsync(TestInputs.Job("1"), () => false, default);

        Assert.Equal("0", (await ok.WaitAsync(Generous)).RawAnswer);
        var ex = await Assert.ThrowsAsync<RpcException>(() => bad.WaitAsync(Generous));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task Disposing_lets_queued_jobs_finish_then_refuses_new_ones_and_can_be_repeated()
    {
        var backend = new RecordingBackend { Hold = true };
        var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 1, MaxQueueDelay = TimeSpan.Zero });
        var running = batcher.TraceAsync(TestInputs.Job("running"), () => false, default);
        await backend.NextBatchAsync();
        var queued = batcher.TraceAsync(TestInputs.Job("queued"), () => false, default);

        var disposing = batcher.DisposeAsync().AsTask();
        backend.Hold = false;
        backend.Release();
        await disposing.WaitAsync(Generous);
        await batcher.DisposeAsync();

        await Task.WhenAll(running, queued).WaitAsync(Generous);
        var ex = await Assert.ThrowsAsync<RpcException>(() => batcher.TraceAsync(TestInputs.Job("late"), () => false, default));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task Metrics_report_queue_length_batch_sizes_latency_and_rejections_per_backend()
    {
        // Other tests use the same meter name at the same time: a backend name of its own tells this test's apart.
        var backend = new RecordingBackend(name: "metrics-" + Guid.NewGuid().ToString("N")) { Hold = true };
        var measurements = new System.Collections.Concurrent.ConcurrentQueue<(string Instrument, double Value)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == InferenceMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "backend" && Equals(tag.Value, backend.Name))
                {
                    measurements.Enqueue((instrument.Name, value));
                }
            }
        }
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        await using var batcher = Batcher(backend, new BatcherOptions { MaxBatchSize = 2, MaxQueueDelay = TimeSpan.Zero, QueueCapacity = 2 });
        var first = batcher.TraceAsync(TestInputs.Job("1"), () => false, default);
        await backend.NextBatchAsync();
        var queued = new[] { batcher.TraceAsync(TestInputs.Job("2"), () => false, default), batcher.TraceAsync(TestInputs.Job("3"), () => false, default) };
        await Assert.ThrowsAsync<RpcException>(() => batcher.TraceAsync(TestInputs.Job("4"), () => false, default));

        listener.RecordObservableInstruments();
        backend.Hold = false;
        backend.Release();
        await Task.WhenAll([first, .. queued]).WaitAsync(Generous);

        var recorded = measurements.ToList();
        Assert.Contains(("fleet.inference.queue.length", 2.0), recorded);
        Assert.Contains(("fleet.inference.rejected", 1.0), recorded);
        Assert.Equal([1.0, 2.0], recorded.Where(m => m.Instrument == "fleet.inference.batch.size").Select(m => m.Value));
        Assert.Equal(2, recorded.Count(m => m.Instrument == "fleet.inference.batch.duration"));
        Assert.Equal(3, recorded.Count(m => m.Instrument == "fleet.inference.request.duration"));
    }

    [Fact]
    public void Impossible_options_are_refused_with_the_setting_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => Batcher(new RecordingBackend(), new BatcherOptions { MaxBatchSize = 0 }));

        Assert.Contains("MaxBatchSize is 0; it must be at least 1.", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Queues <paramref name="id"/> on an idle batcher and lets its window run out: it runs alone, held by the backend.</summary>
    private static async Task<Task<TraceResponse>> StartLoneBatchAsync(BackendBatcher batcher, ManualTimeProvider time, RecordingBackend backend, string id)
    {
        var job = batcher.TraceAsync(TestInputs.Job(id), () => false, default);
        await time.WhenTimerAsync().WaitAsync(Generous);
        time.AdvanceToNextTimer();
        await backend.NextBatchAsync();
        return job;
    }

    /// <summary>On disposal (before the batcher's, declared after it): frees held batches and runs out every window.</summary>
    private static AsyncDisposable Unstick(ManualTimeProvider time, RecordingBackend backend) => new(() =>
    {
        backend.Hold = false;
        backend.Release();
        time.Advance(TimeSpan.FromHours(1));
    });

    private sealed class AsyncDisposable(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }

    private BackendBatcher Batcher(ITraceBackend backend, BatcherOptions options, TimeProvider? time = null) =>
        new(backend, options, _metrics, NullLogger.Instance, time);

    /// <summary>Moves the manual clock from timer to timer until <paramref name="work"/> completes.</summary>
    private static async Task<T> RunClockUntilAsync<T>(ManualTimeProvider time, Task<T> work)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, time.WhenTimerAsync()).WaitAsync(Generous);
            if (!work.IsCompleted)
            {
                time.AdvanceToNextTimer();
            }
        }
        return await work;
    }

    private sealed class FailOnceBackend : ITraceBackend
    {
        private int _calls;

        public string Name => "fail-once";

        public string Model => "fail-once";

        public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1
                ? throw new InvalidOperationException("model crashed")
                : Task.FromResult<IReadOnlyList<TraceResult>>([.. batch.Select(_ => TraceResult.Success(new TraceResponse()))]);
    }

    private sealed class RejectOddBackend : ITraceBackend
    {
        public string Name => "reject-odd";

        public string Model => "reject-odd";

        public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<TraceResult>>([.. batch.Select(job => int.Parse(job.Request.RequestId, System.Globalization.CultureInfo.InvariantCulture) % 2 == 1
                ? TraceResult.Failure(StatusCode.InvalidArgument, "odd")
                : TraceResult.Success(new TraceResponse { RawAnswer = job.Request.RequestId }))]);
    }
}
