using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace RoboTracer.Fleet.Planner;

/// <summary>Where the planner's chat client sends requests (configuration section <c>Planner:Llm</c>).</summary>
public sealed class OpenAiChatClientOptions
{
    /// <summary>
    /// The OpenAI-compatible base URL, including its version path: vLLM's <c>http://gpu-1:8000/v1</c>, Gemini's
    /// <c>https://generativelanguage.googleapis.com/v1beta/openai/</c>, a Qwen (DashScope) compatible-mode URL.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key; vLLM accepts any non-empty key. Default "none".</summary>
    public string ApiKey { get; set; } = "none";

    /// <summary>The model the endpoint serves, e.g. <c>Qwen/Qwen3-8B</c>; a request's <c>ChatOptions.ModelId</c> overrides it.</summary>
    public string Model { get; set; } = "";

    /// <summary>Longest wait for one HTTP response. Default 100 s.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries of a failed request (connection errors, 408, 429, 5xx) by the OpenAI package, with backoff. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// The <see cref="IChatClient"/> of Microsoft.Extensions.AI.OpenAI over the official OpenAI package's chat client
    /// for this endpoint and model; <paramref name="transport"/> lets tests and hosts supply the HTTP pipeline (the
    /// caller owns it). Logging and OpenTelemetry are layered on by whoever registers it (<see cref="ChatClientBuilder"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No absolute http(s) endpoint, or no model.</exception>
    public IChatClient CreateChatClient(HttpClient? transport = null)
    {
        if (Endpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The endpoint must be an absolute http(s) URL such as http://127.0.0.1:8000/v1; got '{Endpoint}'.", nameof(Endpoint));
        }
        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException($"The model the endpoint {endpoint} serves must be named.", nameof(Model));
        }
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = NetworkTimeout,
            RetryPolicy = new ClientRetryPolicy(Math.Max(0, MaxRetries)),
        };
        if (transport is not null)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(transport);
        }
        var apiKey = string.IsNullOrEmpty(ApiKey) ? "none" : ApiKey;
        return new OpenAIClient(new ApiKeyCredential(apiKey), clientOptions).GetChatClient(Model).AsIChatClient();
    }
}
