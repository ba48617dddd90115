using Google.Protobuf;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.Tracing;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Pool;
using RoboTracer.Fleet.Orchestrator.Telemetry;
using RoboTracer.Fleet.Vision;
using Wire = RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Orchestrator.Tracing;

/// <summary>
/// The task grains' <see cref="ISpatialTracer"/>: reads the frame's blobs, asks the inference pool over gRPC and
/// turns the answer into a <see cref="SpatialTrace"/>. Depth is stored as a 16-bit millimetre PNG (see
/// <see cref="Robots.ObservationIngest"/>) and sent as 16UC1.
/// </summary>
internal sealed class PoolSpatialTracer(IEventStore store, TracePool pool, TaskTelemetry telemetry, OrchestratorOptions options) : ISpatialTracer
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
            response.RequestId);
    }

    private async Task<Wire.TraceRequest> BuildRequestAsync(TraceQuery query, CancellationToken cancellationToken)
    {
        var frame = query.Frame ?? throw new InvalidOperationException(
            $"scene memory has no image of the scene robot '{query.Robot}' works in yet; the robot must send an observation first");
        var rgb = await store.GetBlobAsync(BlobHash.Parse(frame.Rgb.Sha256), cancellationToken)
            ?? throw new InvalidOperationException($"the frame's image blob {frame.Rgb} is missing from the store");
        var request = new Wire.TraceRequest
        {
            RequestId = query.Trace.Value,
            Instruction = query.Instruction,
            Image = new Wire.Image { Data = ByteString.CopyFrom(rgb), MediaType = ImageFormat.Sniff(rgb).MediaType },
            Backend = options.TraceBackend ?? string.Empty,
        };
        if (frame.Depth is { } depthBlob
            && await store.GetBlobAsync(BlobHash.Parse(depthBlob.Sha256), cancellationToken) is { } depthPng)
        {
            var depth = DepthImage.FromPng(depthPng);
            request.Depth = new Wire.DepthImage
            {
                Data = ByteString.CopyFrom(depth.To16UC1()),
                Encoding = Wire.DepthEncoding._16Uc1,
                Width = (uint)depth.Width,
                Height = (uint)depth.Height,
            };
        }
        if (frame.Intrinsics is { } k)
        {
            request.Intrinsics = new Wire.CameraIntrinsics { Fx = k.Fx, Fy = k.Fy, Cx = k.Cx, Cy = k.Cy, Width = (uint)k.Width, Height = (uint)k.Height };
        }
        // The object and destination first: a backend that reads hints in order (the geometric one) sees them.
        foreach (var hint in Ordered(query))
        {
            request.SceneHints.Add(new Wire.SceneObject { Id = hint.Id, Label = hint.Label, Box = ToWire(hint.Box), Confidence = (float)hint.Confidence });
        }
        if (query.Destination is { } destination)
        {
            request.Destination = ToWire(destination.Box);
        }
        return request;
    }

    private static IEnumerable<SceneObjectState> Ordered(TraceQuery query)
    {
        var first = new[] { query.Object, query.Destination }.OfType<SceneObjectState>().ToList();
        return first.Concat(query.SceneHints.Where(h => first.All(f => f.Id != h.Id)));
    }

    private static Wire.Box3D ToWire(OrientedBox3D box)
    {
        var (w, x, y, z) = box.Rotation.ToQuaternion();
        return new Wire.Box3D
        {
            Center = ProtoGeometry.ToWire(box.Center),
            Extent = ProtoGeometry.ToWire(box.Extent),
            Rotation = new Wire.Quaternion { W = w, X = x, Y = y, Z = z },
        };
    }
}
