namespace RoboTracer.Fleet.Planner;

/// <summary>Where an <see cref="OpenAiChatClient"/> sends requests (configuration section <c>Planner:Llm</c>).</summary>
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
}
