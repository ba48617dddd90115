using System.Collections.Concurrent;
using System.Threading.Channels;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.Grains.Tracing;

namespace RoboTracer.Fleet.Grains.Tests.Support;

/// <summary>
/// Answers every query at once with <see cref="Answer"/> (default: from the object, or (0, 0, 0.5), to 0.2 m to
/// its right). Every query is recorded and also written to <see cref="Queries"/> for awaiting.
/// </summary>
public sealed class FakeTracer : ISpatialTracer
{
    private readonly ConcurrentQueue<TraceQuery> _all = new();

    public Channel<TraceQuery> Queries { get; } = Channel.CreateUnbounded<TraceQuery>();

    public IReadOnlyList<TraceQuery> All => [.. _all];

    /// <summary>The answer to the n-th query (0-based, over the tracer's life).</summary>
    public Func<TraceQuery, int, SpatialTrace> Answer { get; set; } = (query, _) => Line(query);

    public static SpatialTrace Line(TraceQuery query)
    {
        var start = query.Object?.Box.Center ?? new Point3D(0, 0, 0.5);
        var end = query.Destination?.Box.Center ?? start + new Point3D(0.2, 0, 0);
        return new SpatialTrace([start, Point3D.Lerp(start, end, 0.5), end], [new Point2D(10, 10), new Point2D(20, 10)], "fake");
    }

    public async Task<SpatialTrace> TraceAsync(TraceQuery query, CancellationToken cancellationToken)
    {
        var n = _all.Count;
        _all.Enqueue(query);
        await Queries.Writer.WriteAsync(query, cancellationToken);
        return Answer(query, n);
    }
}
