using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Vision;
using Wire = RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>
/// Turns a robot's observation into a scene-memory observation: the image and depth go to the store's blobs
/// (addressed by SHA-256, so a frame sent twice is stored once) and the observation holds their hashes. Depth is
/// stored as a 16-bit grayscale PNG in millimetres whatever encoding it arrived in: compact, viewable, and the
/// TraceSpatial-Bench depth format.
/// </summary>
internal sealed class ObservationIngest(IEventStore store)
{
    public async Task<SceneObservation> IngestAsync(Wire.Observation observation, CancellationToken cancellationToken)
    {
        var takenAt = observation.TakenUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(observation.TakenUnixMs) : DateTimeOffset.UtcNow;
        var objects = observation.Objects.Select(o => LinkMapping.ToObject(o, takenAt)).ToList();
        SceneFrame? frame = null;
        if (observation.Image is { Data.Length: > 0 } image)
        {
            if (!ImageFormat.TrySniff(image.Data.Span, out var info, out var error))
            {
                throw new LinkProtocolException($"the observation's image is not usable: {error}");
            }
            var calibration = LinkMapping.ToCalibration(observation.Intrinsics);
            if (calibration is not null && (calibration.Width != info.Width || calibration.Height != info.Height))
            {
                throw new LinkProtocolException($"the image is {info.Width}x{info.Height} but the intrinsics say {calibration.Width}x{calibration.Height}");
            }
            BlobReference? depthReference = null;
            if (observation.Depth is { Data.Length: > 0 } wireDepth)
            {
                var depth = ToDepth(wireDepth);
                if (depth.Width != info.Width || depth.Height != info.Height)
                {
                    throw new LinkProtocolException($"the depth is {depth.Width}x{depth.Height} but the image is {info.Width}x{info.Height}");
                }
                depthReference = new BlobReference((await store.PutBlobAsync(depth.ToPng(System.IO.Compression.CompressionLevel.Fastest), cancellationToken)).ToString());
            }
            var rgb = await store.PutBlobAsync(image.Data.Memory, cancellationToken);
            frame = new SceneFrame(new BlobReference(rgb.ToString()), depthReference, calibration, takenAt);
        }
        var result = new SceneObservation(takenAt, objects, frame);
        return result.Problem() is { } problem ? throw new LinkProtocolException($"the observation is malformed: {problem}") : result;
    }

    private static DepthImage ToDepth(Wire.DepthImage depth)
    {
        try
        {
            return depth.Encoding switch
            {
                Wire.DepthEncoding._16Uc1 => DepthImage.From16UC1(depth.Data.Span, (int)depth.Width, (int)depth.Height),
                Wire.DepthEncoding._32Fc1 => DepthImage.From32FC1(depth.Data.Span, (int)depth.Width, (int)depth.Height),
                _ => throw new LinkProtocolException($"depth encoding {depth.Encoding} is not 16UC1 or 32FC1"),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new LinkProtocolException($"the observation's depth is not usable: {e.Message}");
        }
    }
}
