using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>
/// Checks a request and decodes its inputs. Every problem is INVALID_ARGUMENT with a message that names the
/// field and says what was expected (DESIGN.md §5), and nothing reaches a backend or a queue before this passes.
/// </summary>
public static class TraceRequestValidator
{
    /// <summary>Longest instruction accepted, in characters.</summary>
    public const int MaxInstructionLength = 4096;

    /// <summary>Validates <paramref name="request"/>; throws <see cref="RpcException"/> (INVALID_ARGUMENT) otherwise.</summary>
    public static TraceInputs Validate(TraceRequest request, IReadOnlyCollection<string> backends)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Instruction))
        {
            throw Invalid("instruction is empty: say what to move and where, e.g. \"put the red cup on the plate\".");
        }
        if (request.Instruction.Length > MaxInstructionLength)
        {
            throw Invalid($"instruction has {request.Instruction.Length} characters; at most {MaxInstructionLength} are accepted.");
        }
        if (request.Backend.Length > 0 && !backends.Contains(request.Backend))
        {
            throw Invalid($"backend '{request.Backend}' is not served by this worker; available: {string.Join(", ", backends)}.");
        }
        var image = ValidateImage(request.Image);
        var depth = request.Depth is null ? null : ValidateDepth(request.Depth, image);
        var intrinsics = request.Intrinsics is null ? null : ValidateIntrinsics(request.Intrinsics, image);
        if (request.Output == TraceOutput._3D && (depth is null || intrinsics is null))
        {
            throw Invalid("output 3D needs depth and intrinsics: send both, or ask for 2D.");
        }
        foreach (var hint in request.SceneHints)
        {
            ValidateBox(hint.Box, $"scene_hints['{hint.Label}'].box");
        }
        if (request.Destination is not null)
        {
            ValidateBox(request.Destination, "destination");
        }
        return new TraceInputs(image, depth, intrinsics);
    }

    private static ImageInfo ValidateImage(Image? image)
    {
        if (image is null || image.Data.IsEmpty)
        {
            throw Invalid("image is missing: send the RGB image as PNG or JPEG bytes.");
        }
        if (!ImageFormat.TrySniff(image.Data.Span, out var info, out var error))
        {
            throw Invalid($"image: {error}");
        }
        if (image.MediaType.Length > 0 && !string.Equals(image.MediaType, info.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"image.media_type is '{image.MediaType}' but the bytes are {info.MediaType}.");
        }
        return info;
    }

    private static Vision.DepthImage ValidateDepth(Contracts.V1.DepthImage depth, ImageInfo image)
    {
        if (depth.Width != image.Width || depth.Height != image.Height)
        {
            throw Invalid($"depth is {depth.Width}x{depth.Height} but the image is {image.Width}x{image.Height}: depth must be aligned to the image.");
        }
        try
        {
            return depth.Encoding switch
            {
                DepthEncoding._16Uc1 => Vision.DepthImage.From16UC1(depth.Data.Span, (int)depth.Width, (int)depth.Height),
                // NaN or infinity is a broken sensor pipeline, not a missing sample: missing samples are 0.
                DepthEncoding._32Fc1 => Vision.DepthImage.From32FC1(depth.Data.Span, (int)depth.Width, (int)depth.Height, NonFiniteDepth.Reject),
                _ => throw Invalid("depth.encoding is unspecified: use DEPTH_ENCODING_16UC1 (millimetres) or DEPTH_ENCODING_32FC1 (metres)."),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw Invalid($"depth: {ex.Message}");
        }
    }

    private static Vision.CameraIntrinsics ValidateIntrinsics(Contracts.V1.CameraIntrinsics k, ImageInfo image)
    {
        var width = k.Width == 0 ? image.Width : (int)k.Width;
        var height = k.Height == 0 ? image.Height : (int)k.Height;
        if (width != image.Width || height != image.Height)
        {
            throw Invalid($"intrinsics are for a {width}x{height} image but the image is {image.Width}x{image.Height}.");
        }
        if (Vision.CameraIntrinsics.Validate(k.Fx, k.Fy, k.Cx, k.Cy, width, height) is { } error)
        {
            throw Invalid($"intrinsics: {error}");
        }
        return new Vision.CameraIntrinsics(k.Fx, k.Fy, k.Cx, k.Cy, width, height);
    }

    private static void ValidateBox(Box3D? box, string field)
    {
        if (box?.Center is null || box.Extent is null)
        {
            throw Invalid($"{field} needs a center and an extent.");
        }
        double[] values = [box.Center.X, box.Center.Y, box.Center.Z, box.Extent.X, box.Extent.Y, box.Extent.Z];
        if (values.Any(v => !double.IsFinite(v)))
        {
            throw Invalid($"{field} has a non-finite coordinate.");
        }
        if (box.Extent.X <= 0 || box.Extent.Y <= 0 || box.Extent.Z <= 0)
        {
            throw Invalid($"{field}.extent must be positive in every axis (full side lengths in metres).");
        }
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
