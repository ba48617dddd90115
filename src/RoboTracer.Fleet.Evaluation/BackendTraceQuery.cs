using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// Queries an in-process backend without a pool or worker, for offline runs: the request's image, depth and
/// intrinsics are decoded as a worker would, and the backend answers a batch of one.
/// </summary>
/// <param name="backend">The backend.</param>
public sealed class BackendTraceQuery(ITraceBackend backend) : ITraceQuery
{
    /// <summary>The backends that need no configuration, by name: "geometric".</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static BackendTraceQuery Create(string name) => name.ToUpperInvariant() switch
    {
        "GEOMETRIC" => new BackendTraceQuery(new GeometricBackend()),
        _ => throw new ArgumentException($"unknown in-process backend '{name}': only 'geometric' needs no configuration; use the pool for others"),
    };

    /// <inheritdoc />
    public async Task<TraceResponse> TraceAsync(TraceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var image = ImageFormat.Sniff(request.Image.Data.Span);
        Vision.DepthImage? depth = request.Depth is { } d
            ? d.Encoding == DepthEncoding._32Fc1
                ? Vision.DepthImage.From32FC1(d.Data.Span, (int)d.Width, (int)d.Height)
                : Vision.DepthImage.From16UC1(d.Data.Span, (int)d.Width, (int)d.Height)
            : null;
        Vision.CameraIntrinsics? intrinsics = request.Intrinsics is { } k
            ? new Vision.CameraIntrinsics(k.Fx, k.Fy, k.Cx, k.Cy, (int)k.Width, (int)k.Height)
            : null;
        var results = await backend.TraceBatchAsync([new TraceJob(request, new TraceInputs(image, depth, intrinsics))], cancellationToken);
        var result = results[0];
        return result.Response ?? throw new InvalidOperationException($"backend {backend.Name}: {result.Error?.Detail ?? "no answer"}");
    }
}
