using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Grains.Tests.Support;

/// <summary>Splits an instruction on " then "; the first word picks the action. Throws for "unplannable".</summary>
public sealed class FakePlanner : IPlanner
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public SuccessCheck Check { get; set; } = new(SuccessCheckKind.RobotReport, "the robot says so");

    public Task<Plan> PlanAsync(PlanningRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (request.Instruction.Contains("unplannable", StringComparison.Ordinal))
        {
            throw new PlanningException("no step of the instruction names an action the planner knows");
        }
        var steps = request.Instruction.Split(" then ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((text, i) => new PlannedStep(i, ActionOf(text), ObjectOf(text), DestinationOf(text), null, text, Check))
            .ToList();
        return Task.FromResult(new Plan(steps, "fake", []));
    }

    private static StepAction ActionOf(string text) => text.Split(' ')[0] switch
    {
        "wipe" => StepAction.Wipe,
        "push" => StepAction.Push,
        "open" => StepAction.Open,
        "close" => StepAction.Close,
        "pour" => StepAction.Pour,
        _ => StepAction.PickAndPlace,
    };

    // "pick up the red cup and place it on the plate" -> object "red cup", destination "plate".
    private static string ObjectOf(string text)
    {
        var start = text.IndexOf("the ", StringComparison.Ordinal);
        var rest = start < 0 ? text : text[(start + 4)..];
        var end = rest.IndexOf(" and ", StringComparison.Ordinal);
        return end < 0 ? rest : rest[..end];
    }

    private static string? DestinationOf(string text)
    {
        var at = text.LastIndexOf(" the ", StringComparison.Ordinal);
        return text.Contains(" and ", StringComparison.Ordinal) && at >= 0 ? text[(at + 5)..] : null;
    }
}
