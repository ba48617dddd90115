using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using RoboTracer.Fleet.Cli.Api;
using RoboTracer.Fleet.Cli.Output;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Evaluation;
using RoboTracer.Fleet.Serialization;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Pool;
using Wire = RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>
/// <c>replay TASK --with-backend NAME</c>: asks another backend every trace question the task recorded (each
/// <c>TraceAssigned</c>: the frame's image, depth and intrinsics from the blobs, the step's trace instruction from
/// <c>TaskPlanned</c>, the moved object and the destination) and reports per trace how far the new answer is from
/// the recorded one: discrete Fréchet distance after arc-length resampling (as <c>eval score</c>) and the distance
/// between the end points, in metres in the camera frame.
/// </summary>
internal static class WhatIfReplay
{
    public static async Task<int> RunAsync(
        CliContext context, FleetApiClient client, List<FleetEvent> events, string backend, TraceQueries queries, CancellationToken cancellationToken)
    {
        var taskId = events.Select(EventText.TaskIdOf).FirstOrDefault(id => id is not null)
            ?? throw CliException.Usage("the history is not a task's: --with-backend re-runs the trace queries a task recorded");
        var instructions = new Dictionary<int, string>();
        foreach (var recorded in events.Where(e => e.Type == nameof(TaskPlanned)))
        {
            foreach (var step in Read(recorded, FleetJsonContext.Default.TaskPlanned).Plan.Steps)
            {
                instructions[step.Index] = step.TraceInstruction;
            }
        }
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var steps = new List<WhatIfStep>();
        foreach (var recorded in events.Where(e => e.Type == nameof(TraceAssigned)))
        {
            var assigned = Read(recorded, FleetJsonContext.Default.TraceAssigned);
            steps.Add(await CompareAsync(assigned, instructions, client, blobs, backend, queries, cancellationToken));
        }
        Print(context, taskId, backend, steps);
        var failed = steps.Where(s => s.Error is not null).ToList();
        if (steps.Count == 0)
        {
            await context.Error.WriteLineAsync($"fleet: task {taskId} recorded no trace to re-run");
            return ExitCodes.Failed;
        }
        if (failed.Count > 0)
        {
            await context.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"fleet: {failed.Count} of {steps.Count} traces could not be compared (first: step {failed[0].Step + 1}: {failed[0].Error})"));
            return ExitCodes.Failed;
        }
        return ExitCodes.Ok;
    }

    private static async Task<WhatIfStep> CompareAsync(
        TraceAssigned assigned, Dictionary<int, string> instructions, FleetApiClient client, Dictionary<string, byte[]> blobs,
        string backend, TraceQueries queries, CancellationToken cancellationToken)
    {
        var recordedPoints = Usable(assigned.Points.Points3D);
        WhatIfStep Failed(string error) =>
            new(assigned.StepIndex, assigned.Trace.Value, assigned.Points.Backend, backend, null, null, recordedPoints.Count, 0, error);
        if (assigned.Frame is not { } frame)
        {
            return Failed("no frame was recorded with this trace");
        }
        if (!instructions.TryGetValue(assigned.StepIndex, out var instruction))
        {
            return Failed("the plan recorded no instruction for this step");
        }
        Wire.TraceRequest request;
        Vision.DepthImage? depth;
        try
        {
            (request, depth) = await BuildRequestAsync(assigned, frame, instruction, client, blobs, queries.RequestBackend, cancellationToken);
        }
        catch (FleetApiException ex) when (ex.Error == FleetApiError.NotFound)
        {
            // Retention may have pruned an old task's frames; the other traces can still be compared.
            return Failed($"the recorded frame is gone from the store: {ex.Message}");
        }
        Wire.TraceResponse response;
        try
        {
            response = await queries.Query.TraceAsync(request, cancellationToken);
        }
        catch (RpcException ex) when (queries.Workers is { } workers && ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            // The pool is down: every other step would fail the same way.
            throw TraceCommand.FromRpc(ex, workers);
        }
        catch (RpcException ex)
        {
            return Failed($"the worker refused: {ex.StatusCode}: {ex.Status.Detail}");
        }
        catch (InvalidOperationException ex)
        {
            // The in-process backend's refusal.
            return Failed(ex.Message);
        }
        var answered = string.IsNullOrEmpty(response.Backend) ? backend : response.Backend;
        var points = PointsOf(response, depth, frame.Intrinsics);
        if (recordedPoints.Count == 0 || points.Count == 0)
        {
            return new WhatIfStep(
                assigned.StepIndex, assigned.Trace.Value, assigned.Points.Backend, answered, null, null, recordedPoints.Count, points.Count,
                recordedPoints.Count == 0 ? "the recorded trace has no 3D points" : "the new trace has no 3D points");
        }
        var before = recordedPoints.Select(TraceMetrics.ToVector).ToList();
        var after = points.Select(TraceMetrics.ToVector).ToList();
        var frechet = TraceMetrics.DiscreteFrechet(TraceMetrics.ResampleByArcLength(before), TraceMetrics.ResampleByArcLength(after));
        var endpoint = recordedPoints[^1].DistanceTo(points[^1]);
        return new WhatIfStep(assigned.StepIndex, assigned.Trace.Value, assigned.Points.Backend, answered, frechet, endpoint, recordedPoints.Count, points.Count, null);
    }

    /// <summary>
    /// The request the orchestrator built for this trace (its PoolSpatialTracer): the frame's image, its depth as
    /// 16UC1, its intrinsics, the object and destination first among the scene hints, the destination's box. Only
    /// the object and the destination are recorded, so the other objects scene memory knew are not sent again.
    /// </summary>
    private static async Task<(Wire.TraceRequest Request, Vision.DepthImage? Depth)> BuildRequestAsync(
        TraceAssigned assigned, SceneFrame frame, string instruction, FleetApiClient client, Dictionary<string, byte[]> blobs, string backend,
        CancellationToken cancellationToken)
    {
        var rgb = await BlobAsync(client, blobs, frame.Rgb, cancellationToken);
        Vision.DepthImage? depth = null;
        if (frame.Depth is { } depthBlob)
        {
            try
            {
                depth = Vision.DepthImage.FromPng(await BlobAsync(client, blobs, depthBlob, cancellationToken));
            }
            catch (FormatException ex)
            {
                throw new CliException(ExitCodes.ServerError, $"the recorded depth {depthBlob} is not a 16-bit depth PNG: {ex.Message}", ex);
            }
        }
        Wire.TraceRequest request;
        try
        {
            request = StepTraceRequest.Build($"whatif-{assigned.Trace.Value}-{Guid.NewGuid().ToString("N")[..8]}", instruction, rgb, depth,
                frame.Intrinsics, assigned.Object, assigned.Destination, [], backend);
        }
        catch (FormatException ex)
        {
            throw new CliException(ExitCodes.ServerError, $"the recorded image {frame.Rgb} is not usable: {ex.Message}", ex);
        }
        return (request, depth);
    }

    /// <summary>
    /// The answer's 3D points (see <see cref="Usable"/>); an answer with 2D points only is lifted through the recorded
    /// depth, as a worker lifts a model's answer.
    /// </summary>
    private static List<Point3D> PointsOf(Wire.TraceResponse response, Vision.DepthImage? depth, CameraCalibration? calibration)
    {
        var points = Usable(response.Points3D.Select(Inference.Backends.ProtoGeometry.ToPoint).ToList());
        if (response.Points3D.Count > 0 || depth is null || calibration is not { } k)
        {
            return points;
        }
        var intrinsics = new Vision.CameraIntrinsics(k.Fx, k.Fy, k.Cx, k.Cy, k.Width, k.Height);
        foreach (var pixel in response.Points2D)
        {
            if (depth.TryLift(new Point2D(pixel.X, pixel.Y), intrinsics, AnswerConversion.LiftRadius, out var lifted))
            {
                points.Add(lifted);
            }
        }
        return points;
    }

    /// <summary>The points with a metric position: a point without a positive depth (kept as zeros and flagged by a backend that could not lift it) is left out.</summary>
    private static List<Point3D> Usable(IReadOnlyList<Point3D> points) =>
        points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && double.IsFinite(p.Z) && p.Z > 0).ToList();

    private static async Task<byte[]> BlobAsync(FleetApiClient client, Dictionary<string, byte[]> blobs, BlobReference blob, CancellationToken cancellationToken)
    {
        if (!blobs.TryGetValue(blob.Sha256, out var content))
        {
            content = await client.GetBlobAsync(blob.Sha256, cancellationToken);
            blobs[blob.Sha256] = content;
        }
        return content;
    }

    private static T Read<T>(FleetEvent recorded, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return recorded.Data.Deserialize(type)
                ?? throw new JsonException("null");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new CliException(ExitCodes.ServerError, $"event {recorded.Position} ({recorded.Type}) cannot be read as the fleet records it: {ex.Message}", ex);
        }
    }

    private static void Print(CliContext context, string taskId, string backend, List<WhatIfStep> steps)
    {
        context.Out.WriteLine($"what-if replay of task {taskId} with backend {backend}: {steps.Count} recorded traces");
        if (steps.Count > 0)
        {
            var table = Tables.Create("STEP", "TRACE", "RECORDED", "NEW", "FRÉCHET M", "ENDPOINT M", "POINTS", "NOTE");
            foreach (var step in steps)
            {
                Tables.AddRow(
                    table,
                    (step.Step + 1).ToString(CultureInfo.InvariantCulture),
                    step.Trace,
                    step.RecordedBackend,
                    step.Backend,
                    step.FrechetM?.ToString("0.0000", CultureInfo.InvariantCulture),
                    step.EndpointM?.ToString("0.0000", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{step.RecordedPoints} → {step.Points}"),
                    step.Error);
            }
            context.Console.Write(table);
        }
        // Last line: the report as one JSON object, for scripts.
        context.Out.WriteLine(JsonSerializer.Serialize(new WhatIfReport(taskId, backend, steps), WhatIfJsonContext.Default.WhatIfReport));
    }
}
