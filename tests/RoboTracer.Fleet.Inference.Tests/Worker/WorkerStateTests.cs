using RoboTracer.Fleet.Grpc;
using RoboTracer.Fleet.Grpc.Health;
using RoboTracer.Fleet.Inference.Worker;
using ServingStatus = RoboTracer.Fleet.Contracts.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RoboTracer.Fleet.Inference.Tests.Worker;

/// <summary>Warm-up, serving and drain: what the worker admits and what its health service says.</summary>
public sealed class WorkerStateTests
{
    private readonly HealthStatusRegistry _health = new();

    [Fact]
    public void A_warming_worker_is_not_serving_and_refuses_requests_with_unavailable()
    {
        var state = new WorkerState(_health);
        state.MarkWarming();

        var ex = Assert.Throws<RpcException>(() => state.Admit());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("warming up", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(ServingStatus.NotServing, Status(""));
        Assert.Equal(ServingStatus.NotServing, Status(WorkerState.ServiceName));
        Assert.Equal(0, state.InFlight);
    }

    [Fact]
    public void A_serving_worker_admits_and_counts_requests()
    {
        var state = new WorkerState(_health);
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
        var state = new WorkerState(_health);
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
        var state = new WorkerState(_health);
        state.MarkWarming();
        state.MarkServing();

        await state.DrainAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ServingStatus.NotServing, Status(""));
    }

    private ServingStatus Status(string service) => _health.TryGetStatus(service, out var status) ? status : ServingStatus.ServiceUnknown;
}
