using System.Text.Json;
using System.Text.RegularExpressions;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Planner.Llm;

/// <summary>
/// Reads an LLM's plan reply and checks it against the schema and the request: JSON, required fields, known
/// actions and success-check kinds, 1 to max steps, a destination where the action needs one, robots that can
/// perform each action, and objects present in the scene when a scene is given.
/// </summary>
internal static partial class PlanReply
{
    private const int MaxFieldLength = 500;
    private const int MaxErrorsReported = 5;

    [GeneratedRegex(@"<think>.*?</think>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Thinking();

    [GeneratedRegex(@"```(?:json)?\s*(?<body>.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Fenced();

    /// <summary>The plan's steps, or null with what is wrong in <paramref name="error"/> (written for the model to fix).</summary>
    public static List<PlannedStep>? Read(string? reply, PlanningRequest request, int maxSteps, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(reply))
        {
            error = "the reply is empty";
            return null;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(ExtractJson(reply), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            error = $"the reply is not valid JSON ({ex.Message})";
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            JsonElement steps;
            if (root.ValueKind == JsonValueKind.Array)
            {
                steps = root;
            }
            else if (root.ValueKind != JsonValueKind.Object || !TryGet(root, "steps", out steps) || steps.ValueKind != JsonValueKind.Array)
            {
                error = "the reply has no \"steps\" array";
                return null;
            }
            var count = steps.GetArrayLength();
            if (count == 0)
            {
                error = "\"steps\" is empty; a plan needs at least one step";
                return null;
            }
            if (count > maxSteps)
            {
                error = $"the plan has {count} steps; at most {maxSteps} are allowed";
                return null;
            }
            var errors = new List<string>();
            var result = new List<PlannedStep>(count);
            var index = 0;
            foreach (var element in steps.EnumerateArray())
            {
                if (ReadStep(element, index, request, errors) is { } step)
                {
                    result.Add(step);
                }
                index++;
            }
            if (errors.Count > 0)
            {
                error = string.Join("; ", errors.Take(MaxErrorsReported)) + (errors.Count > MaxErrorsReported ? $"; and {errors.Count - MaxErrorsReported} more" : "");
                return null;
            }
            return result;
        }
    }

    private static PlannedStep? ReadStep(JsonElement element, int index, PlanningRequest request, List<string> errors)
    {
        var name = $"step {index + 1}";
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{name} is not an object");
            return null;
        }
        var before = errors.Count;
        var actionText = RequiredString(element, "action", name, errors);
        var obj = RequiredString(element, "object", name, errors);
        var destination = OptionalString(element, "destination", name, errors);
        var direction = OptionalString(element, "direction", name, errors);
        var trace = RequiredString(element, "trace_instruction", name, errors);
        StepAction action = default;
        if (actionText is not null && !StepActions.TryParse(actionText, out action))
        {
            errors.Add($"{name}: unknown action '{actionText}'; use one of {string.Join(", ", StepActions.All.Select(StepActions.WireName))}");
        }
        var check = ReadSuccessCheck(element, name, errors);
        if (errors.Count > before)
        {
            return null;
        }
        if (action is StepAction.PickAndPlace or StepAction.Push && destination is null && direction is null)
        {
            errors.Add($"{name}: {StepActions.WireName(action)} needs a destination or a direction");
        }
        if (action == StepAction.Pour && destination is null)
        {
            errors.Add($"{name}: pour needs a destination");
        }
        if (PlanChecks.CapabilityError(action, index, trace!, request.Robots ?? []) is string capability)
        {
            errors.Add(capability);
        }
        string? objectId = null;
        string? destinationId = null;
        if (request.Scene is not null)
        {
            // Bound as the rule planner binds, so the task traces, moves and verifies the objects the model meant.
            objectId = Bind(obj!);
            destinationId = destination is null ? null : Bind(destination);
        }
        return errors.Count > before ? null : new PlannedStep(index, action, obj!, destination, direction, trace!, check!, objectId, destinationId);

        string? Bind(string mention)
        {
            var grounding = SceneGrounding.Bind(request.Scene!, mention);
            if (grounding.Problem is { } problem)
            {
                errors.Add($"{name}: {problem}");
            }
            return grounding.Object?.Id;
        }
    }

    private static SuccessCheck? ReadSuccessCheck(JsonElement step, string name, List<string> errors)
    {
        if (!TryGet(step, "success_check", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add($"{name}: \"success_check\" is required");
            return null;
        }
        if (value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
        {
            // A bare description: the robot's report is all that can be checked against it.
            return new SuccessCheck(SuccessCheckKind.RobotReport, Limit(value.GetString()!));
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{name}: \"success_check\" must be an object with \"kind\" and \"description\"");
            return null;
        }
        var kindText = RequiredString(value, "kind", $"{name} success_check", errors);
        var description = RequiredString(value, "description", $"{name} success_check", errors);
        if (kindText is null || description is null)
        {
            return null;
        }
        var squashed = string.Concat(kindText.Where(char.IsLetter));
        if (!Enum.TryParse<SuccessCheckKind>(squashed, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            errors.Add($"{name}: unknown success_check kind '{kindText}'; use object_at_destination, object_moved or robot_report");
            return null;
        }
        return new SuccessCheck(kind, description);
    }

    private static string? RequiredString(JsonElement element, string field, string name, List<string> errors)
    {
        if (!TryGet(element, field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add($"{name}: \"{field}\" is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add($"{name}: \"{field}\" must be a non-empty string");
            return null;
        }
        var text = value.GetString()!.Trim();
        if (text.Length > MaxFieldLength)
        {
            errors.Add($"{name}: \"{field}\" is longer than {MaxFieldLength} characters");
            return null;
        }
        return text;
    }

    private static string? OptionalString(JsonElement element, string field, string name, List<string> errors)
    {
        if (!TryGet(element, field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{name}: \"{field}\" must be a string or null");
            return null;
        }
        var text = value.GetString()!.Trim();
        return text.Length == 0 || text.Equals("null", StringComparison.OrdinalIgnoreCase) || text.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : Limit(text);
    }

    /// <summary>A property by name, ignoring case and '_' ("trace_instruction", "traceInstruction").</summary>
    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        var wanted = name.Replace("_", "", StringComparison.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Replace("_", "", StringComparison.Ordinal).Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>
    /// The JSON in a reply: reasoning models may think aloud first (&lt;think&gt;…&lt;/think&gt;), chat models may
    /// fence it (```json … ```) or wrap it in a sentence. Take the outermost object or array.
    /// </summary>
    private static string ExtractJson(string reply)
    {
        var text = Thinking().Replace(reply, "");
        if (Fenced().Match(text) is { Success: true } fenced)
        {
            text = fenced.Groups["body"].Value;
        }
        var start = text.IndexOfAny(['{', '[']);
        if (start < 0)
        {
            return text;
        }
        var end = text.LastIndexOf(text[start] == '{' ? '}' : ']');
        return end > start ? text[start..(end + 1)] : text[start..];
    }

    private static string Limit(string text) => text.Length <= MaxFieldLength ? text : text[..MaxFieldLength];
}
