using Google.Protobuf;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Inference.Pool;

/// <summary>
/// The <see cref="TraceRequest"/> for one step of a task, from what scene memory knew: the orchestrator sends it,
/// and a what-if replay rebuilds it from the recorded frame to ask another backend the same question.
/// </summary>
public static class StepTraceRequest
{
    /// <summary>
    /// Builds the request. The object to move and the destination go first among the scene hints, the object's id is
    /// sent as <c>object_id</c> (the bound object, which a backend that reads hints moves), and the destination's box
    /// is sent as the target.
    /// </summary>
    /// <param name="requestId">The request id (the trace id).</param>
    /// <param name="instruction">The step's trace instruction.</param>
    /// <param name="image">The encoded frame (PNG or JPEG).</param>
    /// <param name="depth">The frame's depth, sent as 16UC1 millimetres; null when there is none.</param>
    /// <param name="intrinsics">The camera's intrinsics, when known.</param>
    /// <param name="objectToMove">The object the step moves, when scene memory found it.</param>
    /// <param name="destination">The object the destination is relative to, when found.</param>
    /// <param name="otherHints">Everything else scene memory knew (duplicates of the two above are skipped).</param>
    /// <param name="backend">The backend to ask; null or empty: the worker's default.</param>
    /// <exception cref="FormatException">The image is neither PNG nor JPEG.</exception>
    public static TraceRequest Build(
        string requestId,
        string instruction,
        ReadOnlyMemory<byte> image,
        Vision.DepthImage? depth,
        CameraCalibration? intrinsics,
        SceneObjectState? objectToMove,
        SceneObjectState? destination,
        IEnumerable<SceneObjectState> otherHints,
        string? backend)
    {
        ArgumentNullException.ThrowIfNull(otherHints);
        if (!ImageFormat.TrySniff(image.Span, out var info, out var error))
        {
            throw new FormatException($"the frame is not an image: {error}");
        }
        var request = new TraceRequest
        {
            RequestId = requestId,
            Instruction = instruction,
            Image = new Image { Data = ByteString.CopyFrom(image.Span), MediaType = info.MediaType },
            Backend = backend ?? string.Empty,
        };
        if (depth is not null)
        {
            request.Depth = new Contracts.V1.DepthImage
            {
                Data = ByteString.CopyFrom(depth.To16UC1()),
                Encoding = DepthEncoding._16Uc1,
                Width = (uint)depth.Width,
                Height = (uint)depth.Height,
            };
        }
        if (intrinsics is { } k)
        {
            request.Intrinsics = new Contracts.V1.CameraIntrinsics { Fx = k.Fx, Fy = k.Fy, Cx = k.Cx, Cy = k.Cy, Width = (uint)k.Width, Height = (uint)k.Height };
        }
        var first = new[] { objectToMove, destination }.OfType<SceneObjectState>().DistinctBy(h => h.Id).ToList();
        foreach (var hint in first.Concat(otherHints.Where(h => first.All(f => f.Id != h.Id))))
        {
            request.SceneHints.Add(new SceneObject { Id = hint.Id, Label = hint.Label, Box = ProtoGeometry.ToWire(hint.Box), Confidence = (float)hint.Confidence });
        }
        if (destination is not null)
        {
            request.Destination = ProtoGeometry.ToWire(destination.Box);
        }
        if (objectToMove is not null)
        {
            request.ObjectId = objectToMove.Id;
        }
        return request;
    }
}
