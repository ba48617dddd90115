using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using RoboTracer.Fleet.Cli.Output;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Pool;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary><c>trace</c>: asks pool workers for one spatial trace directly, through the pool client (no orchestrator).</summary>
internal static class TraceCommand
{
    public static Command Build(CliContext context)
    {
        var pool = PoolOption("The pool worker's gRPC URL, e.g. http://127.0.0.1:50051 (repeat for several)");
        pool.Required = true;
        var image = new Option<string>("--image") { Description = "RGB image (PNG or JPEG)", Required = true, HelpName = "PNG" };
        var depth = new Option<string?>("--depth") { Description = "Depth aligned with the image: 16-bit grayscale PNG in millimetres", HelpName = "PNG" };
        var fx = Intrinsic("--fx", "Focal length in x, pixels");
        var fy = Intrinsic("--fy", "Focal length in y, pixels");
        var cx = Intrinsic("--cx", "Principal point x, pixels");
        var cy = Intrinsic("--cy", "Principal point y, pixels");
        var text = new Option<string>("--text") { Description = "The instruction, e.g. \"put the red cup on the plate\"", Required = true, HelpName = "TEXT" };
        var output = new Option<string>("--output") { Description = "2D (pixels) or 3D (metres, camera frame)", DefaultValueFactory = _ => "3D", HelpName = "2D|3D" };
        output.AcceptOnlyFromAmong("2D", "3D", "2d", "3d");
        var backend = new Option<string?>("--backend") { Description = "The worker's backend (default: the worker's default)", HelpName = "NAME" };
        var objects = new Option<string[]>("--object")
        {
            Description = "A known object as LABEL=cx,cy,cz,ex,ey,ez (axis-aligned box, camera frame, metres; repeatable). "
                + "The geometric backend moves the object the text names first to the one it names last",
            HelpName = "LABEL=BOX",
        };
        var destination = new Option<string?>("--destination") { Description = "Where the trace must end: cx,cy,cz,ex,ey,ez (metres)", HelpName = "BOX" };
        var timeout = TimeoutOption(30);
        var command = new Command("trace", "Ask the inference pool for one spatial trace; the last line is the response as JSON")
        {
            pool, image, depth, fx, fy, cx, cy, text, output, backend, objects, destination, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workers = PoolUrls(parse.GetRequiredValue(pool));
            var imageBytes = ReadFile(parse.GetRequiredValue(image), "--image");
            if (!ImageFormat.TrySniff(imageBytes, out var info, out var imageError))
            {
                throw CliException.Usage($"--image {parse.GetRequiredValue(image)}: {imageError}");
            }
            var request = new TraceRequest
            {
                RequestId = "fleet-cli-" + Guid.NewGuid().ToString("N")[..12],
                Instruction = parse.GetRequiredValue(text),
                Image = new Image { Data = ByteString.CopyFrom(imageBytes), MediaType = info.MediaType },
                Intrinsics = new Contracts.V1.CameraIntrinsics
                {
                    Fx = parse.GetRequiredValue(fx),
                    Fy = parse.GetRequiredValue(fy),
                    Cx = parse.GetRequiredValue(cx),
                    Cy = parse.GetRequiredValue(cy),
                    Width = (uint)info.Width,
                    Height = (uint)info.Height,
                },
                Output = parse.GetRequiredValue(output).ToUpperInvariant() == "2D" ? TraceOutput._2D : TraceOutput._3D,
                Backend = parse.GetValue(backend) ?? "",
            };
            request.SceneHints.AddRange((parse.GetValue(objects) ?? []).Select(ParseObject));
            if (parse.GetValue(destination) is { } box)
            {
                request.Destination = ParseBox(box, "--destination");
            }
            if (parse.GetValue(depth) is { } depthPath)
            {
                Vision.DepthImage decoded;
                try
                {
                    decoded = Vision.DepthImage.FromPng(ReadFile(depthPath, "--depth"));
                }
                catch (FormatException ex)
                {
                    throw CliException.Usage($"--depth {depthPath}: {ex.Message}");
                }
                if (decoded.Width != info.Width || decoded.Height != info.Height)
                {
                    throw CliException.Usage($"--depth {depthPath} is {decoded.Width}x{decoded.Height} but the image is {info.Width}x{info.Height}");
                }
                request.Depth = new Contracts.V1.DepthImage
                {
                    Data = ByteString.CopyFrom(decoded.To16UC1()),
                    Encoding = DepthEncoding._16Uc1,
                    Width = (uint)decoded.Width,
                    Height = (uint)decoded.Height,
                };
            }
            await using var tracePool = CreatePool(workers, watchHealth: false);
            TraceResponse response;
            try
            {
                response = await tracePool.TraceAsync(request, DateTime.UtcNow + TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken);
            }
            catch (RpcException ex)
            {
                throw FromRpc(ex, workers);
            }
            Print(context, response);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>--pool URL</c>, repeatable; shared with <c>eval run</c>.</summary>
    public static Option<string[]> PoolOption(string description) => new("--pool")
    {
        Description = description,
        HelpName = "URL",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--timeout SECONDS</c> per request.</summary>
    public static Option<double> TimeoutOption(double defaultSeconds)
    {
        var option = new Option<double>("--timeout")
        {
            Description = "Deadline of each trace request, in seconds",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => defaultSeconds,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var seconds && (!double.IsFinite(seconds) || seconds <= 0))
            {
                result.AddError("--timeout must be a number of seconds above 0");
            }
        });
        return option;
    }

    /// <summary>
    /// <c>LABEL=cx,cy,cz,ex,ey,ez</c>: an object the caller knows, as an axis-aligned box in the camera frame
    /// (centre and full side lengths, metres), sent as a scene hint.
    /// </summary>
    public static SceneObject ParseObject(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw CliException.Usage($"--object '{text}' must be LABEL=cx,cy,cz,ex,ey,ez");
        }
        var label = text[..equals].Trim();
        return new SceneObject { Id = label, Label = label, Box = ParseBox(text[(equals + 1)..], "--object"), Confidence = 1 };
    }

    /// <summary><c>cx,cy,cz,ex,ey,ez</c> in metres, camera frame, no rotation.</summary>
    public static Box3D ParseBox(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        if (parts.Length != 6 || parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok)
            || values.Any(v => !double.IsFinite(v)) || values[3..].Any(e => e <= 0))
        {
            throw CliException.Usage($"{option} '{text}' must be six numbers cx,cy,cz,ex,ey,ez (metres; side lengths above 0)");
        }
        return new Box3D
        {
            Center = new Contracts.V1.Point3D { X = values[0], Y = values[1], Z = values[2] },
            Extent = new Contracts.V1.Point3D { X = values[3], Y = values[4], Z = values[5] },
            Rotation = new Quaternion { W = 1 },
        };
    }

    /// <summary>The worker URLs, each checked to be http(s); a comma-separated value counts as several.</summary>
    public static List<string> PoolUrls(IEnumerable<string> values)
    {
        var urls = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw CliException.Usage($"--pool {url} is not an http(s) URL such as http://127.0.0.1:50051");
            }
        }
        return urls.Count > 0 ? urls : throw CliException.Usage("--pool needs a worker URL");
    }

    /// <summary>A pool client over the <c>--pool</c> workers (all http, or all https); a mix is a usage error.</summary>
    public static TracePool CreatePool(IReadOnlyList<string> workers, bool watchHealth)
    {
        try
        {
            return new TracePool(new TracePoolOptions { Workers = [.. workers], Tls = workers.All(w => w.StartsWith("https:", StringComparison.OrdinalIgnoreCase)), WatchHealth = watchHealth });
        }
        catch (ArgumentException ex)
        {
            throw CliException.Usage($"--pool {string.Join(",", workers)}: {ex.Message}");
        }
    }

    /// <summary>A pool failure as the user should read it: down (exit 3), refused request (exit 2), or the worker's fault.</summary>
    public static CliException FromRpc(RpcException ex, IReadOnlyList<string> workers) => ex.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => new CliException(
            ExitCodes.Unreachable, $"cannot reach the inference pool at {string.Join(", ", workers)}: {ex.Status.Detail} — is the worker running? check --pool", ex),
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => new CliException(
            ExitCodes.Usage, $"the worker refused the request: {ex.Status.Detail}", ex),
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => new CliException(ExitCodes.Unauthorized, $"the worker refused the call: {ex.Status.Detail}", ex),
        _ => new CliException(ExitCodes.ServerError, $"the worker failed: {ex.StatusCode}: {ex.Status.Detail}", ex),
    };

    private static Option<double> Intrinsic(string name, string description)
    {
        var option = new Option<double>(name) { Description = description, Required = true, HelpName = "PIXELS" };
        option.Validators.Add(result =>
        {
            if (!double.IsFinite(result.GetValueOrDefault<double>()))
            {
                result.AddError($"{name} must be a finite number");
            }
        });
        return option;
    }

    private static byte[] ReadFile(string path, string option)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"{option} {path}: {ex.Message}");
        }
    }

    private static void Print(CliContext context, TraceResponse response)
    {
        var timings = response.Timings is { } t
            ? string.Create(CultureInfo.InvariantCulture, $", queue {t.QueueMs:0.#} ms, inference {t.InferenceMs:0.#} ms, batch {t.BatchSize}")
            : "";
        context.Out.WriteLine($"backend {response.Backend} model {response.Model} worker {response.WorkerId}{timings}");
        foreach (var line in response.Reasoning)
        {
            context.Out.WriteLine($"  {line}");
        }
        var table = Tables.Create("#", "U PX", "V PX", "X M", "Y M", "Z M", "FLAG");
        var count = Math.Max(response.Points2D.Count, response.Points3D.Count);
        for (var i = 0; i < count; i++)
        {
            var p2 = i < response.Points2D.Count ? response.Points2D[i] : null;
            var p3 = i < response.Points3D.Count ? response.Points3D[i] : null;
            Tables.AddRow(
                table,
                i.ToString(CultureInfo.InvariantCulture),
                p2?.X.ToString("0.0", CultureInfo.InvariantCulture), p2?.Y.ToString("0.0", CultureInfo.InvariantCulture),
                p3?.X.ToString("0.000", CultureInfo.InvariantCulture), p3?.Y.ToString("0.000", CultureInfo.InvariantCulture), p3?.Z.ToString("0.000", CultureInfo.InvariantCulture),
                response.FlaggedPoints.Contains((uint)i) ? "flagged" : "");
        }
        context.Console.Write(table);
        if (!string.IsNullOrWhiteSpace(response.RawAnswer))
        {
            context.Out.WriteLine($"answer: {response.RawAnswer}");
        }
        // Last line: the response as protobuf JSON, for scripts.
        context.Out.WriteLine(JsonFormatter.Default.Format(response));
    }
}
