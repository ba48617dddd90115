using System.ClientModel;
using System.ClientModel.Primitives;
using Grpc.Core;
using Microsoft.Extensions.AI;
using OpenAI;
using RoboTracer.Fleet.Vision.Answers;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>Settings of an <see cref="OpenAiBackend"/>.</summary>
public sealed class OpenAiBackendOptions
{
    /// <summary>An OpenAI-compatible endpoint, e.g. vLLM's <c>http://gpu-1:8000/v1</c> or a Gemini/Qwen gateway.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key; vLLM accepts any non-empty key.</summary>
    public string ApiKey { get; set; } = "none";

    /// <summary>The model name the endpoint serves, e.g. <c>Qwen/Qwen3-VL-8B-Instruct</c>.</summary>
    public string Model { get; set; } = "";

    /// <summary>Answer length limit. Default 2048 tokens (reasoning models write before they answer).</summary>
    public int MaxOutputTokens { get; set; } = 2048;

    /// <summary>Longest wait for one answer. Default 120 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Requests in flight at once. Default 8.</summary>
    public int MaxConcurrency { get; set; } = 8;
}

/// <summary>
/// A backend on any OpenAI-compatible chat endpoint through Microsoft.Extensions.AI's <see cref="IChatClient"/>
/// (Microsoft.Extensions.AI.OpenAI over the official <c>OpenAI</c> package): the image goes as a data URL at high
/// detail, the prompt is TraceSpatial-Bench's general-VLM prompt, temperature 0 for repeatable answers. Each request
/// is an OpenTelemetry activity of <see cref="TelemetrySourceName"/> (the gen_ai semantic conventions).
/// </summary>
public sealed class OpenAiBackend : ITraceBackend
{
    /// <summary>The OpenTelemetry activity source and meter of the backend's chat requests.</summary>
    public const string TelemetrySourceName = "RoboTracer.Fleet.Inference.OpenAi";

    private readonly OpenAiBackendOptions _options;
    private readonly IChatClient? _client;
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates the backend; <paramref name="transport"/> lets tests and hosts supply the HTTP pipeline.</summary>
    public OpenAiBackend(OpenAiBackendOptions options, HttpClient? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrency));
        if (options.Endpoint is not null && options.Model.Length > 0)
        {
            var clientOptions = new OpenAIClientOptions
            {
                Endpoint = options.Endpoint,
                NetworkTimeout = options.Timeout,
                // The SDK would retry 429/5xx three times with back-off, on its own clock and past the caller's
                // deadline. A busy endpoint is UNAVAILABLE at once instead, and the pool retries on another worker
                // within the deadline (DESIGN.md §5).
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            };
            if (transport is not null)
            {
                clientOptions.Transport = new HttpClientPipelineTransport(transport);
            }
            var chat = new OpenAIClient(new ApiKeyCredential(options.ApiKey), clientOptions).GetChatClient(options.Model).AsIChatClient();
            _client = chat.AsBuilder().UseOpenTelemetry(sourceName: TelemetrySourceName).Build();
        }
    }

    /// <inheritdoc />
    public string Name => "openai";

    /// <inheritdoc />
    public string Model => _options.Model;

    /// <inheritdoc />
    public Task WarmUpAsync(CancellationToken cancellationToken) => _client is null
        ? throw new InvalidOperationException("Backend openai needs Inference:Backends:openai:Endpoint and :Model (an OpenAI-compatible server and the model it serves).")
        : Task.CompletedTask;

    /// <inheritdoc />
    public async Task<IReadOnlyList<TraceResult>> TraceBatchAsync(IReadOnlyList<Backends.TraceJob> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return await Task.WhenAll(batch.Select(job => TraceOneAsync(job, cancellationToken)));
    }

    private async Task<TraceResult> TraceOneAsync(Backends.TraceJob job, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var request = job.Request;
            var threeD = TracePrompts.WantsThreeD(request, job.Inputs.CanLift);
            var prompt = request.RawPrompt ? request.Instruction : TracePrompts.GeneralVlm(request.Instruction, threeD);
            var image = new DataContent(request.Image.Data.Memory, job.Inputs.Image.MediaType)
            {
                AdditionalProperties = new() { ["detail"] = "high" },
            };
            var message = new ChatMessage(ChatRole.User, [new TextContent(prompt), image]);
            var completion = await _client!.GetResponseAsync([message], new ChatOptions
            {
                Temperature = 0f,
                MaxOutputTokens = _options.MaxOutputTokens,
            }, cancellationToken);
            var answer = completion.Text;
            if (!TraceAnswerParser.TryParse(answer, out var parsed, out var error))
            {
                return TraceResult.Failure(StatusCode.Internal, $"Model answer could not be parsed: {error}");
            }
            var response = AnswerConversion.ToResponse(answer, parsed!, job.Inputs, threeD);
            response.Model = completion.ModelId ?? _options.Model;
            return TraceResult.Success(response);
        }
        catch (ClientResultException ex)
        {
            var code = ex.Status is 429 or 502 or 503 or 504 or 0 ? StatusCode.Unavailable : StatusCode.Internal;
            return TraceResult.Failure(code, $"OpenAI-compatible endpoint {_options.Endpoint} failed (HTTP {ex.Status}): {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return TraceResult.Failure(StatusCode.Unavailable, $"OpenAI-compatible endpoint {_options.Endpoint} is unreachable: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The SDK's NetworkTimeout: this job's failure, not its batch mates'.
            return TraceResult.Failure(StatusCode.Unavailable, $"OpenAI-compatible endpoint {_options.Endpoint} did not answer within {_options.Timeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _slots.Release();
        }
    }
}
