using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>
/// <c>POST /query</c>, the JSON door of the worker, compatible with the clients of RoboTracer's evaluation
/// (<c>query_server_spatial_encoder</c>: <c>image_paths</c>, <c>depth_z_paths</c>, <c>intrinsics</c>,
/// <c>enable_spatial</c>, <c>text</c> → <c>{"answer": ...}</c>) and of RoboRefer's API (<c>image_url</c>,
/// <c>depth_url</c> base64, <c>enable_depth</c>, <c>text</c> → <c>{"result": 1, "answer": ...}</c>). The answer
/// is RoboTracer's tuple text in 0–1000 normalized coordinates, with depth in metres for 3D prompts.
/// </summary>
public sealed class QueryEndpoint(TracingWorker worker, IOptions<InferenceWorkerOptions> options)
{
    /// <summary>Handles one query.</summary>
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, $"Body is not JSON: {ex.Message}");
        }
        try
        {
            var roboRefer = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("image_url", out _);
            var request = roboRefer ? FromRoboRefer(body) : FromRoboTracer(body);
            var response = await worker.TraceAsync(request, () => false, context.RequestAborted);
            var image = Vision.ImageFormat.Sniff(request.Image.Data.Span);
            var answer = FormatAnswer(response, request.Output == TraceOutput._3D, image.Width, image.Height);
            // Beside the answer the clients read: who answered, and for an in-process model where it ran.
            var provider = worker.ExecutionProvider(response.Backend);
            return roboRefer
                ? Results.Json(new { result = 1, answer, backend = response.Backend, model = response.Model, execution_provider = provider })
                : Results.Json(new { answer, backend = response.Backend, model = response.Model, execution_provider = provider });
        }
        catch (QueryException ex)
        {
            return Problem(ex.HttpStatus, ex.Message);
        }
        catch (RpcException ex)
        {
            var status = ex.StatusCode switch
            {
                StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
                StatusCode.ResourceExhausted or StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
                StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
                StatusCode.Cancelled => StatusCodes.Status499ClientClosedRequest,
                _ => StatusCodes.Status500InternalServerError,
            };
            return Problem(status, ex.Status.Detail);
        }
    }

    private TraceRequest FromRoboTracer(JsonElement body)
    {
        var text = RequiredString(body, "text");
        var images = StringList(body, "image_paths");
        if (images.Count != 1)
        {
            throw new QueryException($"image_paths must hold exactly one path; it holds {images.Count}.");
        }
        var request = NewRequest(text);
        request.Image = new Image { Data = ByteString.CopyFrom(ReadConfined(images[0], "image_paths[0]")) };
        var spatial = Flag(body, "enable_spatial");
        if (spatial && body.TryGetProperty("depth_z_paths", out var depthPaths) && depthPaths.ValueKind == JsonValueKind.Array && depthPaths.GetArrayLength() > 0)
        {
            request.Depth = DepthFromPng(ReadConfined(depthPaths[0].GetString() ?? "", "depth_z_paths[0]"));
        }
        if (spatial && body.TryGetProperty("intrinsics", out var k) && k.ValueKind == JsonValueKind.Array)
        {
            request.Intrinsics = IntrinsicsFrom(k);
        }
        return request;
    }

    private static TraceRequest FromRoboRefer(JsonElement body)
    {
        var text = RequiredString(body, "text");
        var images = StringList(body, "image_url");
        if (images.Count != 1)
        {
            throw new QueryException($"image_url must hold exactly one base64 image; it holds {images.Count}.");
        }
        var request = NewRequest(text);
        request.Image = new Image { Data = ByteString.CopyFrom(Base64(images[0], "image_url[0]")) };
        var useDepth = Flag(body, "enable_depth");
        if (useDepth)
        {
            var depths = StringList(body, "depth_url");
            if (depths.Count > 0)
            {
                request.Depth = DepthFromPng(Base64(depths[0], "depth_url[0]"));
            }
        }
        return request;
    }

    /// <summary>The prompt says whether the caller wants 3D points ("3D", or tuples with a depth d).</summary>
    private static TraceRequest NewRequest(string text)
    {
        var threeD = text.Contains("3D", StringComparison.Ordinal) || text.Contains("d1)", StringComparison.Ordinal);
        return new TraceRequest
        {
            Instruction = text,
            RawPrompt = true,
            Output = threeD ? TraceOutput._3D : TraceOutput._2D,
            RequestId = Guid.NewGuid().ToString("N"),
        };
    }

    private byte[] ReadConfined(string path, string field)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new QueryException($"{field} is empty.");
        }
        // Compare real paths: a symbolic link inside a root may point anywhere, and ".." may climb out of one.
        var full = RealPath(path);
        var roots = options.Value.QueryRoots.Select(r => Path.TrimEndingDirectorySeparator(RealPath(r)) + Path.DirectorySeparatorChar);
        if (!roots.Any(root => full.StartsWith(root, StringComparison.Ordinal)))
        {
            throw new QueryException($"{field} '{path}' is outside the directories this worker may read (Inference:QueryRoots); send the image as base64 image_url instead.", StatusCodes.Status403Forbidden);
        }
        if (!File.Exists(full))
        {
            throw new QueryException($"{field} '{path}' does not exist on the worker.");
        }
        return File.ReadAllBytes(full);
    }

    /// <summary>The absolute path with every symbolic link along it resolved, as realpath(3) gives it.</summary>
    private static string RealPath(string path, int links = 0)
    {
        // Linux gives up after 40 links (MAXSYMLINKS); a loop must not hang the request.
        if (links > 40)
        {
            throw new QueryException($"'{path}' goes through more than 40 symbolic links.");
        }
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var parts = full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }
            var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            return RealPath(Path.Combine(resolved, string.Join(Path.DirectorySeparatorChar, parts[(i + 1)..])), links + 1);
        }
        return current;
    }

    /// <summary>A 0/1 switch as the Python clients send it (an int), also accepted as a JSON boolean.</summary>
    private static bool Flag(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.Number => value.TryGetDouble(out var number) && number != 0,
            _ => false,
        };

    /// <summary>Depth as TraceSpatial-Bench stores it: a 16-bit PNG of millimetres, sent on as raw 16UC1.</summary>
    private static DepthImage DepthFromPng(byte[] png)
    {
        try
        {
            var depth = Vision.DepthImage.FromPng(png);
            return new DepthImage { Encoding = DepthEncoding._16Uc1, Width = (uint)depth.Width, Height = (uint)depth.Height, Data = ByteString.CopyFrom(depth.To16UC1()) };
        }
        catch (FormatException ex)
        {
            throw new QueryException($"depth is not a 16-bit PNG of millimetres: {ex.Message}");
        }
    }

    private static CameraIntrinsics IntrinsicsFrom(JsonElement matrix)
    {
        try
        {
            var rows = matrix.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            if (rows.Length < 3 || rows.Any(r => r.Length < 3))
            {
                throw new QueryException("intrinsics must be a 3x3 (or 4x4) matrix.");
            }
            return new CameraIntrinsics { Fx = rows[0][0], Fy = rows[1][1], Cx = rows[0][2], Cy = rows[1][2] };
        }
        catch (InvalidOperationException)
        {
            throw new QueryException("intrinsics must be a matrix of numbers.");
        }
    }

    /// <summary>RoboTracer's answer format: <c>[(x, y), ...]</c> or <c>[(x, y, d), ...]</c>, x and y in 0–1000.</summary>
    internal static string FormatAnswer(TraceResponse response, bool threeD, int width, int height)
    {
        var builder = new StringBuilder("[");
        for (var i = 0; i < response.Points2D.Count; i++)
        {
            var p = response.Points2D[i];
            if (i > 0)
            {
                builder.Append(", ");
            }
            builder.Append('(')
                .Append(Math.Round(p.X / width * 1000).ToString(CultureInfo.InvariantCulture)).Append(", ")
                .Append(Math.Round(p.Y / height * 1000).ToString(CultureInfo.InvariantCulture));
            if (threeD && i < response.Points3D.Count)
            {
                builder.Append(", ").Append(Math.Round(response.Points3D[i].Z, 3).ToString(CultureInfo.InvariantCulture));
            }
            builder.Append(')');
        }
        return builder.Append(']').ToString();
    }

    private static string RequiredString(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new QueryException($"\"{name}\" is missing or not a non-empty string.");

    private static List<string> StringList(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw new QueryException($"\"{name}\" must be a list of strings.");
        }
        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static byte[] Base64(string value, string field)
    {
        var comma = value.StartsWith("data:", StringComparison.Ordinal) ? value.IndexOf(',', StringComparison.Ordinal) : -1;
        try
        {
            return Convert.FromBase64String(comma >= 0 ? value[(comma + 1)..] : value);
        }
        catch (FormatException)
        {
            throw new QueryException($"{field} is not valid base64.");
        }
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    private sealed class QueryException(string message, int httpStatus = StatusCodes.Status400BadRequest) : Exception(message)
    {
        public int HttpStatus { get; } = httpStatus;
    }
}
