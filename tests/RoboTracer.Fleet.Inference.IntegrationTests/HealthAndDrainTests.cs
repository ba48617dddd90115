using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Batching;
using RoboTracer.Fleet.Inference.Worker;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>
/// The worker's lifecycle over real sockets: NOT_SERVING while it warms up, SERVING after; on shutdown it drains,
/// finishing what is in flight while refusing new calls with UNAVAILABLE.
/// </summary>
public sealed class HealthAndDrainTests
{
    private static CallOptions Within30s => new(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_warming_worker_is_not_serving_and_turns_serving_when_warm()
    {
        var backend = new SlowWarmUpBackend();
        await using var worker = WorkerHost.Launch(
            new Dictionary<string, string?> { ["Inference:DefaultBackend"] = backend.Name },
            services => services.AddSingleton(sp => new BackendRegistry(
                [new BackendBatcher(backend, new BatcherOptions(), sp.GetRequiredService<InferenceMetrics>(), NullLogger.Instance)])));
        // The web server is up before the worker's lifecycle starts warming its backends.
        await backend.WarmUpStarted.WaitAsync(TimeSpan.FromSeconds(30));

        var server = await worker.Health.CheckAsync(new HealthCheckRequest { Service = "" }, Within30s);
        var service = await worker.Health.CheckAsync(new HealthCheckRequest { Service = WorkerState.ServiceName }, Within30s);
        var refused = await Assert.ThrowsAsync<RpcException>(() => worker.Client.TraceAsync(TestInputs.Request(), Within30s).ResponseAsync);
        using var watch = worker.Health.Watch(new HealthCheckRequest { Service = WorkerState.ServiceName }, Within30s);
        var statuses = ReadStatusesAsync(watch);
        backend.FinishWarmUp();
        await worker.Started.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ServingStatus.NotServing, server.Status);
        Assert.Equal(ServingStatus.NotServing, service.Status);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("Worker is warming up; retry on another worker.", refused.Status.Detail);
        Assert.Equal(ServingStatus.Serving, await statuses.FirstAsync(s => s == ServingStatus.Serving).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("slow-warm-up", (await worker.Client.TraceAsync(TestInputs.Request(), Within30s)).Backend);
    }

    [Fact]
    public async Task Stopping_finishes_the_call_in_flight_refuses_new_ones_and_reports_not_serving()
    {
        await using var model = await FakeModelServer.StartAsync();
        await using var worker = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:DefaultBackend"] = "robotracer-http",
            ["Inference:Backends:robotracer-http:BaseAddress"] = model.Address.ToString(),
            ["Inference:Backends:robotracer-http:Contract"] = "RoboRefer",
        });
        model.Hold = true;
        var slow = worker.Client.TraceAsync(TestInputs.Request(), Within30s).ResponseAsync;
        await model.NextRequestAsync();
        using var watch = worker.Health.Watch(new HealthCheckRequest { Service = WorkerState.ServiceName }, Within30s);
        var statuses = ReadStatusesAsync(watch);
        Assert.Equal(ServingStatus.Serving, await statuses.FirstAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        var stopping = worker.StopAsync();
        var notServing = await statuses.FirstAsync(s => s == ServingStatus.NotServing).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var refused = await Assert.ThrowsAsync<RpcException>(() => worker.Client.TraceAsync(TestInputs.Request(), Within30s).ResponseAsync);
        var stoppedEarly = stopping.IsCompleted;
        model.Release();
        var finished = await slow.WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ServingStatus.NotServing, notServing);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("Worker is draining for shutdown; retry on another worker.", refused.Status.Detail);
        Assert.False(stoppedEarly);
        Assert.Equal(2, finished.Points2D.Count);
        Assert.Single(model.Received);
    }

    [Fact]
    public async Task Stopping_is_not_held_up_by_health_watchers()
    {
        var worker = await WorkerHost.StartAsync(new Dictionary<string, string?>());
        using var watch = worker.Health.Watch(new HealthCheckRequest { Service = WorkerState.ServiceName }, new CallOptions(deadline: DateTime.UtcNow + TimeSpan.FromMinutes(5)));
        var statuses = ReadStatusesAsync(watch);
        Assert.Equal(ServingStatus.Serving, await statuses.FirstAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        // A stop that waited for the watch to end would run into this shutdown timeout and then cut the stream off.
        using var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await worker.StopAsync(shutdownTimeout.Token);
        var rest = await statuses.ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        // NOT_SERVING from the drain, and again as Grpc.AspNetCore.HealthChecks ends the stream.
        Assert.NotEmpty(rest);
        Assert.All(rest, status => Assert.Equal(ServingStatus.NotServing, status));
        Assert.Equal(StatusCode.OK, watch.GetStatus().StatusCode);
        await worker.DisposeAsync();
    }

    /// <summary>Statuses as they arrive; ends when the server ends the stream, and on errors too.</summary>
    private static async IAsyncEnumerable<ServingStatus> ReadStatusesAsync(AsyncServerStreamingCall<HealthCheckResponse> watch)
    {
        var reader = watch.ResponseStream;
        while (true)
        {
            bool more;
            try
            {
                more = await reader.MoveNext(CancellationToken.None);
            }
            catch (RpcException)
            {
                yield break;
            }
            if (!more)
            {
                yield break;
            }
            yield return reader.Current.Status;
        }
    }

    private sealed class SlowWarmUpBackend : ITraceBackend
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "slow-warm-up";

        public string Model => "slow-warm-up";

        public Task WarmUpStarted => _started.Task;

        public void FinishWarmUp() => _warm.TrySetResult();

        public async Task WarmUpAsync(CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await _warm.Task.WaitAsync(cancellationToken);
        }

        public Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<TraceResult>>([.. batch.Select(_ => TraceResult.Success(new TraceResponse()))]);
    }
}
