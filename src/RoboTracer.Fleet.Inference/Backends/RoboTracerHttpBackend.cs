using System.Text.Json;
using System.Text.Json.Serialization;
using Grpc.Core;
using RoboTracer.Fleet.Vision.Answers;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>Which JSON contract the model server's <c>POST /query</c> speaks.</summary>
public enum QueryContract
{
    /// <summary>
    /// RoboTracer's spatial-encoder server: file paths (<c>image_paths</c>, <c>depth_z_paths</c>), 3x3
    /// <c>intrinsics</c>, <c>enable_spatial</c>, <c>text</c>. The images go through a directory both sides see.
    /// </summary>
    RoboTracer,

    /// <summary>RoboRefer's and Qwen3-VL's servers: base64 <c>image_url</c>/<c>depth_url</c>, <c>enable_depth</c>, <c>text</c>.</summary>
    RoboRefer,
}

/// <summary>Settings of a <see cref="RoboTracerHttpBackend"/>.</summary>
public sealed class RoboTracerHttpOptions
{
    /// <summary>The model server, e.g. <c>http://gpu-3:25554</c>; <c>/query</c> is appended.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The server's JSON contract. Default RoboTracer.</summary>
    public QueryContract Contract { get; set; } = QueryContract.RoboTracer;

    /// <summary>
    /// For <see cref="QueryContract.RoboTracer"/>: a directory the model server can read at the same path, where
    /// each request's image and depth are written (and removed after).
    /// </summary>
    public string? SharedDirectory { get; set; }

    /// <summary>Longest wait for one answer. Default 120 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Model name reported in responses. Default "RoboTracer".</summary>
    public string Model { get; set; } = "RoboTracer";

    /// <summary>Requests sent to the model server at once; it batches on its side. Default 4.</summary>
    public int MaxConcurrency { get; set; } = 4;
}

/// <summary>
/// A backend in front of a RoboTracer, RoboRefer or Qwen3-VL model server speaking their <c>/query</c> JSON.
/// These servers take one request at a time, so a batch is sent as concurrent requests.
/// </summary>
public sealed class RoboTracerHttpBackend(HttpClient http, RoboTracerHttpOptions options) : ITraceBackend
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.MaxConcurrency));

    /// <inheritdoc />
    public string Name => "robotracer-http";

    /// <inheritdoc />
    public string Model => options.Model;

    /// <inheritdoc />
    public Task WarmUpAsync(CancellationToken cancellationToken)
    {
        if (options.BaseAddress is null)
        {
            throw new InvalidOperationException("Backend robotracer-http needs Inference:Backends:robotracer-http:BaseAddress, the model server's URL.");
        }
        if (options.Contract == QueryContract.RoboTracer && string.IsNullOrEmpty(options.SharedDirectory))
        {
            throw new InvalidOperationException("Backend robotracer-http with the RoboTracer contract needs SharedDirectory: a directory the model server reads the images from.");
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<TraceJob> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return await Task.WhenAll(batch.Select(job => TraceOneAsync(job, cancellationToken)));
    }

    private async Task<TraceResult> TraceOneAsync(TraceJob job, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        string? workDirectory = null;
        try
        {
            var request = job.Request;
            var threeD = TracePrompts.WantsThreeD(request, job.Inputs.CanLift);
            var text = request.RawPrompt ? request.Instruction : TracePrompts.RoboTracer(request.Instruction, threeD);
            object body;
            if (options.Contract == QueryContract.RoboTracer)
            {
                workDirectory = Path.Combine(options.SharedDirectory!, "fleet-" + Guid.NewGuid().ToString("N"));
                body = await WriteSharedFilesAsync(job, text, workDirectory, cancellationToken);
            }
            else
            {
                body = RoboReferBody(job, text);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            using var response = await http.PostAsJsonAsync(QueryUri(options.BaseAddress!), body, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var error = await response.Content.ReadAsStringAsync(timeout.Token);
                return TraceResult.Failure(StatusCode.Unavailable, $"Model server answered HTTP {(int)response.StatusCode}: {Truncate(error)}");
            }
            var answer = await ReadAnswerAsync(response, timeout.Token);
            if (!TraceAnswerParser.TryParse(answer, out var parsed, out var parseError))
            {
                return TraceResult.Failure(StatusCode.Internal, $"Model answer could not be parsed: {parseError}");
            }
            return TraceResult.Success(AnswerConversion.ToResponse(answer, parsed!, job.Inputs, threeD));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TraceResult.Failure(StatusCode.DeadlineExceeded, $"Model server did not answer within {options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            return TraceResult.Failure(StatusCode.Unavailable, $"Model server at {options.BaseAddress} is unreachable: {ex.Message}");
        }
        catch (JsonException ex)
        {
            return TraceResult.Failure(StatusCode.Internal, $"Model server's reply is not the expected JSON: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // One job's files failing to write is that job's error, not its batch mates'.
            return TraceResult.Failure(StatusCode.Internal, $"Could not write the request's files to the shared directory {options.SharedDirectory}: {ex.Message}");
        }
        finally
        {
            _slots.Release();
            if (workDirectory is not null)
            {
                TryDelete(workDirectory);
            }
        }
    }

    private static async Task<RoboTracerQuery> WriteSharedFilesAsync(TraceJob job, string text, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var imagePath = Path.Combine(directory, job.Inputs.Image.Kind == Vision.ImageKind.Png ? "image.png" : "image.jpg");
        await File.WriteAllBytesAsync(imagePath, job.Request.Image.Data.ToByteArray(), cancellationToken);
        string[]? depthPaths = null;
        if (job.Inputs.Depth is { } depth)
        {
            // RoboTracer reads depth as TraceSpatial-Bench stores it: a 16-bit PNG of millimetres.
            var depthPath = Path.Combine(directory, "depth.png");
            await File.WriteAllBytesAsync(depthPath, depth.ToPng(), cancellationToken);
            depthPaths = [depthPath];
        }
        var intrinsics = job.Inputs.Intrinsics?.ToMatrix();
        return new RoboTracerQuery([imagePath], depthPaths, intrinsics, intrinsics is null && depthPaths is null ? 0 : 1, text);
    }

    private static RoboReferQuery RoboReferBody(TraceJob job, string text)
    {
        var image = Convert.ToBase64String(job.Request.Image.Data.Span);
        string[] depth = job.Inputs.Depth is { } d ? [Convert.ToBase64String(d.ToPng())] : [];
        return new RoboReferQuery([image], depth, depth.Length > 0 ? 1 : 0, text);
    }

    private static async Task<string> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("answer", out var answer))
        {
            throw new JsonException("it has no \"answer\" field.");
        }
        return answer.ValueKind == JsonValueKind.String ? answer.GetString()! : answer.GetRawText();
    }

    /// <summary>
    /// <c>{base}/query</c>. Resolving "query" against a base without a trailing slash would replace its last
    /// segment (<c>http://gpu/robotracer</c> → <c>http://gpu/query</c>), so the base is made a directory first.
    /// </summary>
    internal static Uri QueryUri(Uri baseAddress) =>
        new(baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/"), "query");

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover request directory costs disk, not correctness; the next cleanup can take it.
        }
    }

    private sealed record RoboTracerQuery(
        [property: JsonPropertyName("image_paths")] string[] ImagePaths,
        [property: JsonPropertyName("depth_z_paths")] string[]? DepthZPaths,
        [property: JsonPropertyName("intrinsics")] double[][]? Intrinsics,
        [property: JsonPropertyName("enable_spatial")] int EnableSpatial,
        [property: JsonPropertyName("text")] string Text);

    private sealed record RoboReferQuery(
        [property: JsonPropertyName("image_url")] string[] ImageUrl,
        [property: JsonPropertyName("depth_url")] string[] DepthUrl,
        [property: JsonPropertyName("enable_depth")] int EnableDepth,
        [property: JsonPropertyName("text")] string Text);
}
