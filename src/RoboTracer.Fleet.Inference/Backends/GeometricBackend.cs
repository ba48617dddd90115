using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Worker;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>
/// The offline default backend: <see cref="GeometricTracePlanner"/> on the request's depth, intrinsics and scene
/// hints. The object is the hinted object the instruction names first; the destination is the request's
/// destination box or the hinted object it names last. Deterministic: the same request gives the same trace.
/// </summary>
public sealed class GeometricBackend : ITraceBackend
{
    /// <inheritdoc />
    public string Name => "geometric";

    /// <inheritdoc />
    public string Model => "geometric-v1";

    /// <inheritdoc />
    public Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        IReadOnlyList<TraceResult> results = batch.Select(TraceOne).ToList();
        return Task.FromResult(results);
    }

    private static TraceResult TraceOne(TraceJob job)
    {
        var request = job.Request;
        if (job.Inputs.Depth is not { } depth || job.Inputs.Intrinsics is not { } intrinsics)
        {
            return TraceResult.Failure(StatusCode.InvalidArgument, "backend geometric needs depth and intrinsics.");
        }
        if (!TryPickBoxes(request, out var objectBox, out var destination, out var error))
        {
            return TraceResult.Failure(StatusCode.InvalidArgument, error);
        }
        IReadOnlyList<Domain.Geometry.Point3D> path;
        try
        {
            path = GeometricTracePlanner.Plan(new GeometricScene(depth, intrinsics, objectBox, destination));
        }
        catch (ArgumentException ex)
        {
            return TraceResult.Failure(StatusCode.InvalidArgument, $"backend geometric: {ex.Message}");
        }
        var response = new TraceResponse { Model = "geometric-v1" };
        foreach (var point in path)
        {
            response.Points3D.Add(ProtoGeometry.ToWire(point));
            var pixel = intrinsics.Project(point);
            response.Points2D.Add(new Contracts.V1.Point2D { X = pixel.X, Y = pixel.Y });
            if (!intrinsics.Contains(pixel))
            {
                response.FlaggedPoints.Add((uint)(response.Points2D.Count - 1));
            }
        }
        response.Reasoning.Add($"object: {objectBox.Center}, destination: {destination.Center}");
        response.RawAnswer = QueryEndpoint.FormatAnswer(response, threeD: true, intrinsics.Width, intrinsics.Height);
        return TraceResult.Success(response);
    }

    private static bool TryPickBoxes(TraceRequest request, out Domain.Geometry.OrientedBox3D objectBox, out Domain.Geometry.OrientedBox3D destination, out string error)
    {
        objectBox = default;
        destination = default;
        error = "";
        var mentioned = request.SceneHints
            .Select(hint => (Hint: hint, At: hint.Label.Length == 0 ? -1 : request.Instruction.IndexOf(hint.Label, StringComparison.OrdinalIgnoreCase)))
            .Where(h => h.At >= 0)
            .OrderBy(h => h.At)
            .ToList();
        if (mentioned.Count == 0)
        {
            error = request.SceneHints.Count == 0
                ? "backend geometric needs scene_hints: the object to move (and the destination) with their 3D boxes."
                : $"backend geometric found none of the hinted objects ({string.Join(", ", request.SceneHints.Select(h => h.Label))}) in the instruction.";
            return false;
        }
        objectBox = ProtoGeometry.ToBox(mentioned[0].Hint.Box);
        if (request.Destination is not null)
        {
            destination = ProtoGeometry.ToBox(request.Destination);
            return true;
        }
        if (mentioned.Count < 2)
        {
            error = $"backend geometric needs a destination: a destination box, or a second hinted object named in the instruction after '{mentioned[0].Hint.Label}'.";
            return false;
        }
        destination = ProtoGeometry.ToBox(mentioned[^1].Hint.Box);
        return true;
    }
}
