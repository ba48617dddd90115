using Grpc.Net.Client.Balancer;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>
/// The pool's load-balancing policy, <c>fleet_pool</c>: a subchannel (one HTTP/2 connection) per worker address
/// the resolver names, and each call to the less loaded of two random eligible workers (<see cref="PoolPicker"/>).
/// Grpc.Net.Client ships pick_first and round_robin, neither of which looks at load or at the workers' health.
/// </summary>
internal sealed class PoolBalancerFactory(PoolWorkers workers) : LoadBalancerFactory
{
    public const string PolicyName = "fleet_pool";

    public override string Name => PolicyName;

    public override LoadBalancer Create(LoadBalancerOptions options) => new PoolBalancer(options, workers);
}

/// <summary>Keeps <see cref="PoolWorkers"/> in step with the resolver and builds a picker over the connected workers.</summary>
internal sealed class PoolBalancer(LoadBalancerOptions options, PoolWorkers workers) : SubchannelsLoadBalancer(options.Controller, options.LoggerFactory)
{
    public override void UpdateChannelState(ChannelState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Addresses is { Count: > 0 } addresses)
        {
            workers.Retain(addresses);
        }
        base.UpdateChannelState(state);
    }

    protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
    {
        var ready = readySubchannels.Select(s => (s, workers.For(s.CurrentAddress ?? s.GetAddresses()[0]))).ToArray();
        foreach (var (_, worker) in ready)
        {
            worker.Connected();
        }
        return new PoolPicker(ready);
    }
}
