using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoboTracer.Fleet.Planner.Llm;

/// <summary>
/// The plan's shape as a type, for the JSON schema sent as the response format (<c>GetResponseAsync&lt;T&gt;</c>).
/// What the model answers is still read and checked by <see cref="PlanReply"/>, which knows the scene and the robots.
/// </summary>
internal sealed record PlanDocument([property: Description("The steps, in the user's order.")] IReadOnlyList<PlanStepDocument> Steps)
{
    /// <summary>snake_case, as in the system prompt's example.</summary>
    public static JsonSerializerOptions Json => PlanDocumentJsonContext.Default.Options;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PlanDocument))]
internal sealed partial class PlanDocumentJsonContext : JsonSerializerContext;

/// <summary>One step as the model writes it.</summary>
internal sealed record PlanStepDocument(
    [property: Description("pick_and_place, push, wipe, open, close or pour.")] string Action,
    [property: Description("The object acted on, named as in the scene.")] string Object,
    [property: Description("Where the object ends up, or null.")] string? Destination,
    [property: Description("The spatial relation to the destination, or null.")] string? Direction,
    [property: Description("One motion, phrased for the trace model.")] string TraceInstruction,
    PlanCheckDocument SuccessCheck);

/// <summary>How to tell a step worked.</summary>
internal sealed record PlanCheckDocument(
    [property: Description("object_at_destination, object_moved or robot_report.")] string Kind,
    string Description);
