using System.Text.RegularExpressions;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Inference.Worker;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>
/// The offline default backend: <see cref="GeometricTracePlanner"/> on the request's depth, intrinsics and scene
/// hints. The object is the hint <c>object_id</c> names (the caller's bound object), else the hinted object the
/// instruction names first (whole words, the longest label where labels overlap); the destination is the request's
/// destination box or the hinted object it names last; "place it to the left/right of" sets it down beside the
/// destination, else it goes on top. Deterministic: the same request gives the same trace.
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
            path = GeometricTracePlanner.Plan(new GeometricScene(depth, intrinsics, objectBox, destination, SideOf(request.Instruction)));
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
        var mentioned = Mentioned(request);
        SceneObject objectHint;
        if (request.ObjectId.Length > 0)
        {
            // The caller bound the object: move that one, whatever the instruction's words would match.
            if (request.SceneHints.FirstOrDefault(h => h.Id == request.ObjectId) is not { } bound)
            {
                error = $"backend geometric: object_id '{request.ObjectId}' is not among the scene hints ({string.Join(", ", request.SceneHints.Select(h => h.Id))}).";
                return false;
            }
            objectHint = bound;
            mentioned.RemoveAll(h => h.Id == bound.Id);
        }
        else if (mentioned.Count > 0)
        {
            objectHint = mentioned[0];
            mentioned.RemoveAt(0);
        }
        else
        {
            error = request.SceneHints.Count == 0
                ? "backend geometric needs scene_hints: the object to move (and the destination) with their 3D boxes."
                : $"backend geometric found none of the hinted objects ({string.Join(", ", request.SceneHints.Select(h => h.Label))}) in the instruction.";
            return false;
        }
        objectBox = ProtoGeometry.ToBox(objectHint.Box);
        if (request.Destination is not null)
        {
            destination = ProtoGeometry.ToBox(request.Destination);
            return true;
        }
        if (mentioned.Count == 0)
        {
            error = $"backend geometric needs a destination: a destination box, or a second hinted object named in the instruction after '{objectHint.Label}'.";
            return false;
        }
        destination = ProtoGeometry.ToBox(mentioned[^1].Box);
        return true;
    }

    /// <summary>
    /// "it" and a phrase of a relation the backend places beside the destination (<see cref="SpatialRelations"/>'
    /// words, longest first so "to the left of" wins over "left of"): whole words, any case and spacing.
    /// </summary>
    private static readonly Regex SidePattern = new(
        @"\bit\s+(" + string.Join('|', SpatialRelations.Phrases
            .Where(p => Side(p.Relation) != PlacementSide.On)
            .Select(p => string.Join(@"\s+", p.Words.Select(Regex.Escape)))) + @")\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>
    /// Where the instruction sets the object down ("place it to the left of the plate", "put it in front of the bowl",
    /// as the planners phrase a step); on the destination when it says nothing. Only after "it": "the cup left of the
    /// bowl" in a description of which cup is meant says nothing about where it goes.
    /// </summary>
    private static PlacementSide SideOf(string instruction)
    {
        var match = SidePattern.Match(instruction);
        return match.Success && SpatialRelations.Parse(match.Groups[1].Value) is { } relation ? Side(relation) : PlacementSide.On;
    }

    /// <summary>
    /// The side a relation puts the object on. "Next to", "beside", "near" and "close to" go to the destination's
    /// right; relations the planner cannot place beside (on, in, under, between …) put it on the destination.
    /// </summary>
    private static PlacementSide Side(SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => PlacementSide.Left,
        SpatialRelation.RightOf or SpatialRelation.NextTo or SpatialRelation.Near => PlacementSide.Right,
        SpatialRelation.InFrontOf => PlacementSide.Front,
        SpatialRelation.Behind => PlacementSide.Behind,
        _ => PlacementSide.On,
    };

    /// <summary>
    /// The hints whose labels the instruction names, as whole words, in the order it names them; where labels overlap
    /// ("cup" and "red cup" at one place) the longer one. Labels may be any colour and kind the scenes hold.
    /// </summary>
    private static List<SceneObject> Mentioned(TraceRequest request)
    {
        var found = new List<(SceneObject Hint, int At, int End)>();
        foreach (var hint in request.SceneHints.Where(h => h.Label.Length > 0))
        {
            var pattern = @"(?<![\p{L}\p{N}])" + Regex.Escape(hint.Label) + @"(?![\p{L}\p{N}])";
            if (Regex.Match(request.Instruction, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) is { Success: true } match)
            {
                found.Add((hint, match.Index, match.Index + match.Length));
            }
        }
        return found
            .Where(f => !found.Any(o => o.Hint != f.Hint && o.At <= f.At && o.End >= f.End && o.End - o.At > f.End - f.At))
            .OrderBy(f => f.At)
            .Select(f => f.Hint)
            .ToList();
    }
}
