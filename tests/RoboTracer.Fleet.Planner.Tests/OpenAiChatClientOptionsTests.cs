using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace RoboTracer.Fleet.Planner.Tests;

/// <summary>
/// The chat client <see cref="OpenAiChatClientOptions.CreateChatClient"/> makes (Microsoft.Extensions.AI.OpenAI over
/// the OpenAI package) against an in-test OpenAI-compatible server: what the planner and the trace backend rely on
/// reaches the wire, and the answer comes back.
/// </summary>
public sealed class OpenAiChatClientOptionsTests : IAsyncLifetime
{
    private FakeOpenAiServer _server = null!;
    private readonly HttpClient _transport = new();

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _transport.Dispose();
    }

    private IChatClient Client(string model = "qwen-test") =>
        new OpenAiChatClientOptions { Endpoint = _server.Endpoint, Model = model, ApiKey = "test-key", MaxRetries = 0 }.CreateChatClient(_transport);

    [Fact]
    public async Task Options_and_messages_map_to_the_chat_completions_request()
    {
        _server.Reply("{\"ok\":true}");
        using var client = Client();

        await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hello"), new ChatMessage(ChatRole.Assistant, "hi"), new ChatMessage(ChatRole.User, "again")],
            new ChatOptions
            {
                Instructions = "answer in JSON",
                Temperature = 0f,
                TopP = 0.5f,
                MaxOutputTokens = 321,
                StopSequences = ["END"],
                ResponseFormat = ChatResponseFormat.Json,
            });

        var request = Assert.Single(_server.Requests);
        Assert.Equal("qwen-test", request.GetProperty("model").GetString());
        Assert.Equal(0, request.GetProperty("temperature").GetDouble());
        Assert.Equal(0.5, request.GetProperty("top_p").GetDouble());
        Assert.Equal(321, MaxTokens(request));
        Assert.Equal(["END"], request.GetProperty("stop").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("json_object", request.GetProperty("response_format").GetProperty("type").GetString());
        var messages = request.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString(), Text(m))).ToList();
        Assert.Equal([("system", "answer in JSON"), ("system", "be brief"), ("user", "hello"), ("assistant", "hi"), ("user", "again")], messages);
    }

    [Fact]
    public async Task The_completion_maps_back_with_text_finish_reason_usage_and_model()
    {
        _server.Reply("the answer", finishReason: "length");
        using var client = Client();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "question")]);

        Assert.Equal("the answer", response.Text);
        Assert.Equal(ChatRole.Assistant, Assert.Single(response.Messages).Role);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("qwen-test", response.ModelId);
        Assert.Equal("chatcmpl-1", response.ResponseId);
        Assert.Equal(42, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
        Assert.Equal(49, response.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task A_json_schema_response_format_is_sent_as_json_schema()
    {
        _server.Reply("{}");
        using var client = Client();
        using var schema = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{\"steps\":{\"type\":\"array\"}}}");

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "plan")], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement, "plan", "a plan") });

        var format = Assert.Single(_server.Requests).GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("plan", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal("array", format.GetProperty("json_schema").GetProperty("schema").GetProperty("properties").GetProperty("steps").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_model_id_in_the_options_overrides_the_configured_model()
    {
        _server.Reply("ok");
        using var client = Client();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "gemini-2.5-flash" });

        Assert.Equal("gemini-2.5-flash", Assert.Single(_server.Requests).GetProperty("model").GetString());
        Assert.Equal("gemini-2.5-flash", response.ModelId);
    }

    [Fact]
    public async Task An_image_in_a_user_message_is_sent_as_a_data_url()
    {
        _server.Reply("a cup");
        using var client = Client();
        var message = new ChatMessage(ChatRole.User, [new TextContent("what is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        await client.GetResponseAsync([message]);

        var content = Assert.Single(_server.Requests).GetProperty("messages")[0].GetProperty("content");
        Assert.Equal("what is this?", content[0].GetProperty("text").GetString());
        Assert.Equal("data:image/png;base64,AQID", content[1].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Streaming_yields_the_text_finish_reason_and_usage()
    {
        _server.ReplyStream("Hello", ", ", "world");
        using var client = Client();

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "greet")]).ToChatResponseAsync();

        Assert.Equal("Hello, world", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("qwen-test", response.ModelId);
        Assert.Equal(8, response.Usage?.TotalTokenCount);
        Assert.True(Assert.Single(_server.Requests).GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task An_http_error_reaches_the_caller_with_its_status()
    {
        _server.ReplyStatus(503);
        using var client = Client();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(503, error.Status);
    }

    [Fact]
    public void Metadata_names_the_endpoint_and_model()
    {
        using var client = Client();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("openai", metadata.ProviderName);
        Assert.Equal(_server.Endpoint, metadata.ProviderUri);
        Assert.Equal("qwen-test", metadata.DefaultModelId);
        Assert.NotNull(client.GetService<OpenAI.Chat.ChatClient>());
    }

    [Theory]
    [InlineData(null, "qwen")]
    [InlineData("/v1", "qwen")]
    [InlineData("ftp://127.0.0.1/v1", "qwen")]
    [InlineData("http://127.0.0.1:8000/v1", "")]
    public void Options_without_an_absolute_endpoint_or_a_model_are_rejected(string? endpoint, string model)
    {
        var options = new OpenAiChatClientOptions { Endpoint = endpoint is null ? null : new Uri(endpoint, UriKind.RelativeOrAbsolute), Model = model };

        Assert.Throws<ArgumentException>(() => options.CreateChatClient());
    }

    private static int MaxTokens(JsonElement request) =>
        request.TryGetProperty("max_completion_tokens", out var value) ? value.GetInt32() : request.GetProperty("max_tokens").GetInt32();

    private static string? Text(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()
            : string.Concat(content.EnumerateArray().Select(part => part.GetProperty("text").GetString()));
    }
}
