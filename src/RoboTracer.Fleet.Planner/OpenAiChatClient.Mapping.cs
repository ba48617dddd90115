using Microsoft.Extensions.AI;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using SdkChat = OpenAI.Chat;

namespace RoboTracer.Fleet.Planner;

/// <summary>Mapping between Microsoft.Extensions.AI's types and the OpenAI package's.</summary>
public sealed partial class OpenAiChatClient
{
    private static List<SdkChat.ChatMessage> ToSdkMessages(IEnumerable<AIChatMessage> messages, ChatOptions? options)
    {
        var result = new List<SdkChat.ChatMessage>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            result.Add(new SdkChat.SystemChatMessage(options.Instructions));
        }
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message);
            var role = message.Role;
            if (role == ChatRole.System)
            {
                result.Add(new SdkChat.SystemChatMessage(TextOnly(message)));
            }
            else if (role == ChatRole.User)
            {
                result.Add(new SdkChat.UserChatMessage(UserParts(message)));
            }
            else if (role == ChatRole.Assistant)
            {
                result.Add(new SdkChat.AssistantChatMessage(TextOnly(message)));
            }
            else
            {
                throw new NotSupportedException($"OpenAiChatClient sends system, user and assistant messages; a '{role}' message (tool results) is not supported.");
            }
        }
        return result;
    }

    private static string TextOnly(AIChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is not (TextContent or TextReasoningContent or UsageContent))
            {
                throw new NotSupportedException($"OpenAiChatClient sends only text in {message.Role} messages; {content.GetType().Name} is not supported.");
            }
        }
        return string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
    }

    private static List<SdkChat.ChatMessageContentPart> UserParts(AIChatMessage message)
    {
        var parts = new List<SdkChat.ChatMessageContentPart>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    parts.Add(SdkChat.ChatMessageContentPart.CreateTextPart(text.Text));
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    parts.Add(SdkChat.ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType));
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    parts.Add(SdkChat.ChatMessageContentPart.CreateImagePart(uri.Uri));
                    break;
                case TextReasoningContent or UsageContent:
                    break;
                default:
                    throw new NotSupportedException($"OpenAiChatClient sends text and images in user messages; {content.GetType().Name} is not supported.");
            }
        }
        return parts;
    }

    private static SdkChat.ChatCompletionOptions ToSdkOptions(ChatOptions? options)
    {
        var result = new SdkChat.ChatCompletionOptions();
        if (options is null)
        {
            return result;
        }
        if (options.Tools is { Count: > 0 })
        {
            throw new NotSupportedException("OpenAiChatClient does not map tool calling; send the request without tools.");
        }
        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.FrequencyPenalty = options.FrequencyPenalty;
        result.PresencePenalty = options.PresencePenalty;
        result.MaxOutputTokenCount = options.MaxOutputTokens;
        foreach (var stop in options.StopSequences ?? [])
        {
            result.StopSequences.Add(stop);
        }
        result.ResponseFormat = options.ResponseFormat switch
        {
            null => null,
            ChatResponseFormatText => SdkChat.ChatResponseFormat.CreateTextFormat(),
            ChatResponseFormatJson { Schema: { } schema } json => SdkChat.ChatResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription),
            ChatResponseFormatJson => SdkChat.ChatResponseFormat.CreateJsonObjectFormat(),
            var other => throw new NotSupportedException($"Response format {other.GetType().Name} is not supported."),
        };
        return result;
    }

    private static ChatResponse ToResponse(SdkChat.ChatCompletion completion)
    {
        var message = new AIChatMessage(ChatRole.Assistant, Texts(completion.Content))
        {
            MessageId = completion.Id,
            CreatedAt = completion.CreatedAt,
            RawRepresentation = completion,
        };
        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            (message.AdditionalProperties ??= [])["refusal"] = completion.Refusal;
        }
        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = ToUsage(completion.Usage),
            RawRepresentation = completion,
        };
    }

    private static ChatResponseUpdate ToUpdate(SdkChat.StreamingChatCompletionUpdate update)
    {
        var contents = Texts(update.ContentUpdate);
        if (ToUsage(update.Usage) is { } usage)
        {
            contents.Add(new UsageContent(usage));
        }
        return new ChatResponseUpdate(update.Role is null ? null : ChatRole.Assistant, contents)
        {
            ResponseId = update.CompletionId,
            MessageId = update.CompletionId,
            ModelId = update.Model,
            CreatedAt = update.CreatedAt,
            FinishReason = update.FinishReason is { } reason ? ToFinishReason(reason) : null,
            RawRepresentation = update,
        };
    }

    private static List<AIContent> Texts(SdkChat.ChatMessageContent content) => content
        .Where(part => part.Kind == SdkChat.ChatMessageContentPartKind.Text)
        .Select(part => (AIContent)new TextContent(part.Text))
        .ToList();

    private static AIFinishReason ToFinishReason(SdkChat.ChatFinishReason reason) => reason switch
    {
        SdkChat.ChatFinishReason.Stop => AIFinishReason.Stop,
        SdkChat.ChatFinishReason.Length => AIFinishReason.Length,
        SdkChat.ChatFinishReason.ContentFilter => AIFinishReason.ContentFilter,
        SdkChat.ChatFinishReason.ToolCalls or SdkChat.ChatFinishReason.FunctionCall => AIFinishReason.ToolCalls,
        _ => new AIFinishReason(reason.ToString()),
    };

    private static UsageDetails? ToUsage(SdkChat.ChatTokenUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
    };
}
