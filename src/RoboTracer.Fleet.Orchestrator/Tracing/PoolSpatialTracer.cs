using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.Grains.Tracing;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Pool;
using RoboTracer.Fleet.Orchestrator.Telemetry;
using Wire = RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Orchestrator.Tracing;

/// <summary>
/// The task grains' <see cref="ISpatialTracer"/>: reads the frame's blobs (through <see cref="FrameCache"/>), asks the inference pool over gRPC and
/// turns the answer into a <see cref="SpatialTrace"/>. Depth is stored as a 16-bit millimetre PNG (see
/// <see cref="Robots.ObservationIngest"/>) and sent as 16UC1.
/// </summary>
internal sealed class PoolSpatialTracer(FrameCache frames, TracePool pool, TaskTelemetry telemetry, OrchestratorOptions options) : ISpatialTracer
{
    public async Task<SpatialTrace> TraceAsync(TraceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var activity = telemetry.StartTraceQuery(query);
        var request = await BuildRequestAsync(query, cancellationToken);
        var response = await pool.TraceAsync(request, DateTime.UtcNow + options.TraceDeadline, cancellationToken);
        activity?.SetTag("robotracer.backend", response.Backend);
        activity?.SetTag("robotracer.worker", response.WorkerId);
        activity?.SetTag("robotracer.points", response.Points3D.Count);
        return new SpatialTrace(
            response.Points3D.Select(ProtoGeometry.ToPoint).ToList(),
            response.Points2D.Select(p => new Point2D(p.X, p.Y)).ToList(),
            response.Backend,
            string.IsNullOrEmpty(response.Model) ? null : response.Model,
            response.RequestId,
            response.Timings is { } timings ? timings.QueueMs + timings.InferenceMs : null);
    }

    private async Task<Wire.TraceRequest> BuildRequestAsync(TraceQuery query, CancellationToken cancellationToken)
    {
        var frame = query.Frame ?? throw new InvalidOperationException(
            $"scene memory has no image of the scene robot '{query.Robot}' works in yet; the robot must send an observation first");
        var rgb = await frames.GetImageAsync(frame.Rgb, cancellationToken);
        var depth = frame.Depth is { } depthBlob ? await frames.GetDepthAsync(depthBlob, cancellationToken) : null;
        return StepTraceRequest.Build(query.Trace.Value, query.Instruction, rgb, depth, frame.Intrinsics, query.Object, query.Destination, query.SceneHints, options.TraceBackend);
    }
}
