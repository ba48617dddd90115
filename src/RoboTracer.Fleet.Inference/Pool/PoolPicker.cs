using Grpc.Core;
using Grpc.Net.Client.Balancer;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>
/// Picks a connected worker for each call: power of two choices on calls in flight among the best tier of workers,
/// SERVING before not-yet-heard-from, and a worker that just refused a call only when no other can take it. A worker
/// that reports NOT_SERVING (warming up, draining) gets no call; when every worker does, the call fails with
/// UNAVAILABLE naming them, and the retry policy tries again (at most 5 attempts in all, with backoff), so a pool
/// that is all warming up fails calls within a second or so rather than holding them to their deadline.
/// </summary>
/// <remarks>Health and load are read at each pick, so the picker does not change when they do.</remarks>
internal sealed class PoolPicker((Subchannel Subchannel, PoolWorker Worker)[] ready) : SubchannelPicker
{
    public override PickResult Pick(PickContext context)
    {
        Span<int> tier = stackalloc int[ready.Length];
        var best = int.MaxValue;
        for (var i = 0; i < ready.Length; i++)
        {
            var worker = ready[i].Worker;
            tier[i] = worker.Health switch
            {
                WorkerHealth.NotServing => int.MaxValue,
                WorkerHealth.Serving => worker.Refusing ? 2 : 0,
                _ => worker.Refusing ? 3 : 1,
            };
            best = Math.Min(best, tier[i]);
        }
        if (best == int.MaxValue)
        {
            return PickResult.ForFailure(new Status(StatusCode.Unavailable,
                $"No pool worker is available: {string.Join(", ", ready.Select(r => $"{r.Worker.Key} {r.Worker.Health}"))}."));
        }
        var count = 0;
        Span<int> candidates = stackalloc int[ready.Length];
        for (var i = 0; i < ready.Length; i++)
        {
            if (tier[i] == best)
            {
                candidates[count++] = i;
            }
        }
        var pick = candidates[0];
        if (count > 1)
        {
            var a = Random.Shared.Next(count);
            var b = Random.Shared.Next(count - 1);
            if (b >= a)
            {
                b++;
            }
            var (first, second) = (candidates[a], candidates[b]);
            pick = ready[first].Worker.Outstanding <= ready[second].Worker.Outstanding ? first : second;
        }
        return PickResult.ForSubchannel(ready[pick].Subchannel, ready[pick].Worker);
    }
}
