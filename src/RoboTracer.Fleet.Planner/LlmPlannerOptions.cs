namespace RoboTracer.Fleet.Planner;

/// <summary>Settings of an <see cref="LlmPlanner"/> (configuration section <c>Planner:Llm</c>).</summary>
public sealed class LlmPlannerOptions
{
    /// <summary>The model to ask, sent as <c>ChatOptions.ModelId</c>; null uses the chat client's default.</summary>
    public string? Model { get; set; }

    /// <summary>Answer length limit in tokens. Default 2048: reasoning models think before they answer.</summary>
    public int MaxOutputTokens { get; set; } = 2048;

    /// <summary>Longest wait for one answer before falling back to the rule planner. Default 60 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
