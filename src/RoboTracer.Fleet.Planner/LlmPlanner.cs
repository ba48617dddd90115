using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Planner.Llm;

namespace RoboTracer.Fleet.Planner;

/// <summary>
/// A planner on any <see cref="IChatClient"/>. It sends the plan's form and rules as the system prompt and the
/// instruction, the scene's objects and the robots' capabilities as the user message, at temperature 0, asking for
/// structured output: the plan's JSON schema as the response format (<c>GetResponseAsync&lt;T&gt;</c>). An endpoint
/// that refuses a JSON-schema response format (HTTP 400) is asked for plain JSON from then on. The reply is validated (JSON, required fields, known actions, 1–20 steps, capable robots,
/// objects in the scene); an invalid reply is answered once with the validation error; a second invalid reply, a
/// transport error or a timeout falls back to the <see cref="RulePlanner"/>, and the plan says so in
/// <see cref="Plan.Planner"/> ("rule (fallback from llm: …)") and <see cref="Plan.Notes"/>.
/// </summary>
public sealed class LlmPlanner : IPlanner
{
    /// <summary>The OpenTelemetry activity source and meter of the planner's chat requests.</summary>
    public const string TelemetrySourceName = "RoboTracer.Fleet.Planner";

    private const int MaxReasonLength = 160;

    private static readonly Action<ILogger, string, string, Exception?> LogInvalidReply = LoggerMessage.Define<string, string>(
        LogLevel.Warning, new EventId(1, "InvalidPlanReply"), "LLM planner {Model}: invalid plan reply, asking again: {Error}");

    private static readonly Action<ILogger, string, string, Exception?> LogNoJsonSchema = LoggerMessage.Define<string, string>(
        LogLevel.Warning, new EventId(3, "NoJsonSchema"), "LLM planner {Model}: the endpoint refused a JSON-schema response format ({Error}); asking for plain JSON from now on");

    private static readonly Action<ILogger, string, string, Exception?> LogFallback = LoggerMessage.Define<string, string>(
        LogLevel.Warning, new EventId(2, "PlannerFallback"), "LLM planner {Model} failed, using the rule planner: {Reason}");

    private readonly IChatClient _chat;
    private readonly RulePlanner _fallback;
    private readonly LlmPlannerOptions _options;
    private readonly ILogger _logger;
    private volatile bool _jsonSchemaRefused;

    /// <summary>Creates the planner on <paramref name="chat"/>, falling back to <paramref name="fallback"/>.</summary>
    public LlmPlanner(IChatClient chat, RulePlanner fallback, LlmPlannerOptions? options = null, ILogger<LlmPlanner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(fallback);
        _chat = chat;
        _fallback = fallback;
        _options = options ?? new LlmPlannerOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<Plan> PlanAsync(PlanningRequest request, CancellationToken cancellationToken)
    {
        var instruction = PlanChecks.ValidateInstruction(request, _fallback.Options.MaxInstructionLength);
        var maxSteps = _fallback.Options.MaxSteps;
        var model = _options.Model ?? _chat.GetService<ChatClientMetadata>()?.DefaultModelId ?? "unknown";
        List<ChatMessage> conversation =
        [
            new(ChatRole.System, PlanPrompt.System(maxSteps)),
            new(ChatRole.User, PlanPrompt.User(request, instruction)),
        ];
        var chatOptions = new ChatOptions
        {
            ModelId = _options.Model,
            Temperature = 0f,
            MaxOutputTokens = _options.MaxOutputTokens,
            ResponseFormat = ChatResponseFormat.Json,
        };

        string reason;
        var notes = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            ChatResponse response;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.Timeout);
                try
                {
                    response = await AskAsync(conversation, chatOptions, model, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    reason = $"no answer within {_options.Timeout.TotalSeconds:0.#} s";
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Any failure of the chat client — connection refused, HTTP 5xx, a malformed response — means
                    // this plan comes from the rules; which exception types a client throws is its own business.
                    reason = $"the chat endpoint failed: {ex.Message}";
                    break;
                }
            }
            model = response.ModelId ?? model;
            var text = response.Text;
            var steps = PlanReply.Read(text, request, maxSteps, out var error);
            if (steps is not null)
            {
                return new Plan(steps, $"llm:{model}", notes);
            }
            if (response.FinishReason == ChatFinishReason.Length)
            {
                error = $"{error} (the reply was cut off at the output token limit)";
            }
            if (attempt == 2)
            {
                reason = $"invalid plan twice: {error}";
                break;
            }
            LogInvalidReply(_logger, model, error, null);
            notes.Add($"the first reply was not a valid plan ({error}); asked again");
            conversation.Add(new ChatMessage(ChatRole.Assistant, text));
            conversation.Add(new ChatMessage(ChatRole.User, PlanPrompt.Retry(error)));
        }
        return Fallback(request, model, reason);
    }

    /// <summary>
    /// One request: with the plan's JSON schema as the response format, unless the endpoint refused that before; a
    /// refusal (HTTP 400) is asked again at once for plain JSON, and remembered.
    /// </summary>
    private async Task<ChatResponse> AskAsync(List<ChatMessage> conversation, ChatOptions options, string model, CancellationToken cancellationToken)
    {
        if (!_jsonSchemaRefused)
        {
            try
            {
                return await _chat.GetResponseAsync<PlanDocument>(conversation, PlanDocument.Json, options, useJsonSchemaResponseFormat: true, cancellationToken).ConfigureAwait(false);
            }
            catch (ClientResultException ex) when (ex.Status == 400)
            {
                _jsonSchemaRefused = true;
                LogNoJsonSchema(_logger, model, ex.Message, null);
            }
        }
        return await _chat.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
    }

    private Plan Fallback(PlanningRequest request, string model, string reason)
    {
        // Exception messages of HTTP clients span lines (status, headers, body); a plan's label is one line.
        reason = string.Join(' ', reason.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        LogFallback(_logger, model, reason, null);
        Plan plan;
        try
        {
            plan = _fallback.CreatePlan(request);
        }
        catch (PlanningException ex)
        {
            throw new PlanningException($"{ex.Message} (The LLM planner {model} failed first: {reason}.)");
        }
        var shortReason = reason.Length <= MaxReasonLength ? reason : $"{reason[..(MaxReasonLength - 3)]}...";
        return plan with
        {
            Planner = $"{RulePlanner.Name} (fallback from llm: {shortReason})",
            Notes = [$"the LLM planner ({model}) failed: {reason}; planned with the rule planner instead", .. plan.Notes],
        };
    }
}
