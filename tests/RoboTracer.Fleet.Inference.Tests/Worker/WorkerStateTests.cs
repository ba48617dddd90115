using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using RoboTracer.Fleet.Inference.Worker;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Inference.Tests.Worker;

/// <summary>Warm-up, serving and drain: what the worker admits and what its health service says.</summary>
public sealed class WorkerStateTests : IDisposable
{
    private readonly HealthServiceImpl _health = new();
    private readonly CancellationTokenSource _stopping = new();

    public void Dispose() => _stopping.Dispose();

    [Fact]
    public void A_warming_worker_is_not_serving_and_refuses_requests_with_unavailable()
    {
        var state = new WorkerState(_health, _stopping.Token);
        state.MarkWarming();

        var ex = Assert.Throws<RpcException>(() => state.Admit());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("warming up", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(ServingStatus.NotServing, Status(""));
        Assert.Equal(ServingStatus.NotServing, Status(WorkerState.ServiceName));
        Assert.Equal(0, state.InFlight);
    }

    [Fact]
    public void A_worker_whose_warm_up_failed_stays_not_serving_and_refuses_with_the_reason()
    {
        var state = new WorkerState(_health, _stopping.Token);
        state.MarkWarming();
        state.MarkFailed("Backend 'onnx' failed to load: no such model.");
        state.MarkServing();

        var ex = Assert.Throws<RpcException>(() => state.Admit());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal("Backend 'onnx' failed to load: no such model.", ex.Status.Detail);
        Assert.False(state.IsServing);
        Assert.Equal(ServingStatus.NotServing, Status(WorkerState.ServiceName));
    }

    [Fact]
    public void A_serving_worker_admits_and_counts_requests()
    {
        var state = new WorkerState(_health, _stopping.Token);
        state.MarkWarming();
        state.MarkServing();

        using (state.Admit())
        {
            Assert.Equal(1, state.InFlight);
        }

        Assert.Equal(0, state.InFlight);
        Assert.Equal(ServingStatus.Serving, Status(WorkerState.ServiceName));
    }

    [Fact]
    public async Task Draining_waits_for_in_flight_requests_and_refuses_new_ones()
    {
        var state = new WorkerState(_health, _stopping.Token);
        state.MarkWarming();
        state.MarkServing();
        var lease = state.Admit();

        var drained = state.DrainAsync();
        var ex = Assert.Throws<RpcException>(() => state.Admit());

        Assert.False(drained.IsCompleted);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("draining", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(ServingStatus.NotServing, Status(WorkerState.ServiceName));
        lease.Dispose();
        await drained.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Draining_an_idle_worker_completes_at_once()
    {
        var state = new WorkerState(_health, _stopping.Token);
        state.MarkWarming();
        state.MarkServing();

        await state.DrainAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ServingStatus.NotServing, Status(""));
    }

    [Fact]
    public async Task A_stopping_host_refuses_new_requests_before_the_drain_starts()
    {
        var state = new WorkerState(_health, _stopping.Token);
        state.MarkWarming();
        state.MarkServing();

        await _stopping.CancelAsync();
        var ex = Assert.Throws<RpcException>(() => state.Admit());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal("Worker is draining for shutdown; retry on another worker.", ex.Status.Detail);
        Assert.False(state.IsServing);
        Assert.Equal(0, state.InFlight);
    }

    private ServingStatus Status(string service)
    {
        try
        {
            return _health.Check(new HealthCheckRequest { Service = service }, null!).Result.Status;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return ServingStatus.ServiceUnknown;
        }
    }
}
