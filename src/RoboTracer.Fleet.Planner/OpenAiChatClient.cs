using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using SdkChat = OpenAI.Chat;

namespace RoboTracer.Fleet.Planner;

/// <summary>
/// An <see cref="IChatClient"/> over the official <c>OpenAI</c> package's <see cref="SdkChat.ChatClient"/>, for any
/// OpenAI-compatible endpoint (vLLM, Gemini, Qwen). It maps text and image messages, <see cref="ChatOptions"/>
/// (temperature, top-p, penalties, stop sequences, output token limit, JSON and JSON-schema response formats) to
/// the chat-completions request, and the completion back: text, finish reason, token usage, model id.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.AI.OpenAI, which ships such an adapter, does not restore from our registry (DESIGN.md §2).
/// Tool calling is not mapped: a request with tools is refused rather than sent without them.
/// </remarks>
public sealed partial class OpenAiChatClient : IChatClient
{
    private readonly OpenAIClient _client;
    private readonly SdkChat.ChatClient _defaultChat;
    private readonly ConcurrentDictionary<string, SdkChat.ChatClient> _chatsByModel = new(StringComparer.Ordinal);
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates the client; <paramref name="transport"/> lets tests and hosts supply the HTTP pipeline (the caller owns it).</summary>
    /// <exception cref="ArgumentException">The options lack an absolute http(s) endpoint or a model.</exception>
    public OpenAiChatClient(OpenAiChatClientOptions options, HttpClient? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The endpoint must be an absolute http(s) URL such as http://127.0.0.1:8000/v1; got '{options.Endpoint}'.", nameof(options));
        }
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            throw new ArgumentException($"The model the endpoint {endpoint} serves must be named.", nameof(options));
        }
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = options.NetworkTimeout,
            RetryPolicy = new ClientRetryPolicy(Math.Max(0, options.MaxRetries)),
        };
        if (transport is not null)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(transport);
        }
        var apiKey = string.IsNullOrEmpty(options.ApiKey) ? "none" : options.ApiKey;
        _client = new OpenAIClient(new ApiKeyCredential(apiKey), clientOptions);
        _defaultChat = _client.GetChatClient(options.Model);
        _chatsByModel[options.Model] = _defaultChat;
        _metadata = new ChatClientMetadata("openai", endpoint, options.Model);
    }

    /// <summary>The endpoint and the default model.</summary>
    public ChatClientMetadata Metadata => _metadata;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = ToSdkMessages(messages, options);
        var completion = await ChatFor(options?.ModelId).CompleteChatAsync(request, ToSdkOptions(options), cancellationToken).ConfigureAwait(false);
        return ToResponse(completion.Value);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = ToSdkMessages(messages, options);
        var updates = ChatFor(options?.ModelId).CompleteChatStreamingAsync(request, ToSdkOptions(options), cancellationToken);
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return ToUpdate(update);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }
        if (serviceType == typeof(SdkChat.ChatClient))
        {
            return _defaultChat;
        }
        if (serviceType == typeof(OpenAIClient))
        {
            return _client;
        }
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the transport belongs to whoever passed it.</summary>
    public void Dispose()
    {
    }

    private SdkChat.ChatClient ChatFor(string? model) => string.IsNullOrEmpty(model)
        ? _defaultChat
        : _chatsByModel.GetOrAdd(model, static (name, client) => client.GetChatClient(name), _client);
}
