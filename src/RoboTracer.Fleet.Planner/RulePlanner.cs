using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Planner.Rules;

namespace RoboTracer.Fleet.Planner;

/// <summary>
/// The deterministic planner, the offline default. It splits the instruction at sequence words ("then", "after
/// that", "finally"), punctuation, numbered lists and conjunctions before a verb; reads each clause's verb, object,
/// source, spatial relation and destination or direction; resolves "it", "them" and "there" to the step before;
/// and writes each step's trace instruction in RoboTracer's phrasing ("pick up the red cup and place it to the
/// left of the plate"). A goal heading before a colon ("clear the table: …") becomes a note.
/// </summary>
/// <remarks>
/// Every plan is checked before it is returned: some robot of the request can perform each step's action, and when
/// a scene is given, every object, destination and named tool binds one object of it (the step carries the bound
/// ids, <see cref="PlannedStep.ObjectId"/>). A failed check is a
/// <see cref="PlanningException"/> whose message says what is missing.
/// </remarks>
public sealed class RulePlanner(PlannerOptions? options = null) : IPlanner
{
    /// <summary>The <see cref="Plan.Planner"/> of its plans.</summary>
    public const string Name = "rule";

    /// <summary>Its limits and defaults.</summary>
    public PlannerOptions Options { get; } = options ?? new PlannerOptions();

    /// <inheritdoc />
    public Task<Plan> PlanAsync(PlanningRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(CreatePlan(request));
    }

    /// <summary>Plans synchronously: the rule planner does no I/O.</summary>
    public Plan CreatePlan(PlanningRequest request)
    {
        var instruction = PlanChecks.ValidateInstruction(request, Options.MaxInstructionLength);
        var text = InstructionText.Parse(instruction);
        var clauses = ClauseSplitter.Split(text.Sentences);
        if (clauses.Count == 0)
        {
            throw new PlanningException($"No action in \"{DraftBuilder.Shorten(instruction)}\": say what to do with which object, e.g. \"put the cup in the sink, then wipe the table\" (verbs: {Lexicon.KnownVerbs}).");
        }
        var drafts = new DraftBuilder(request.Scene).Build(clauses);
        if (drafts.Count > Options.MaxSteps)
        {
            throw new PlanningException($"The instruction makes {drafts.Count} steps; a plan holds at most {Options.MaxSteps}. Split the task.");
        }

        var notes = new List<string>();
        if (text.Goal is not null)
        {
            notes.Add($"goal: {text.Goal}");
        }
        var robots = request.Robots ?? [];
        var steps = new List<PlannedStep>(drafts.Count);
        for (var index = 0; index < drafts.Count; index++)
        {
            var draft = WithTool(drafts[index], index, request.Scene, notes);
            if (PlanChecks.CapabilityError(draft.Action, index, draft.TraceInstruction(), robots) is string capabilityError)
            {
                throw new PlanningException(capabilityError);
            }
            string? objectId = null;
            string? destinationId = null;
            if (request.Scene is not null)
            {
                draft = InScene(draft, request.Scene, notes, out var boundObject, out destinationId);
                objectId = boundObject;
            }
            steps.Add(new PlannedStep(index, draft.Action, draft.Object, draft.Destination, draft.Direction, draft.TraceInstruction(), draft.SuccessCheck(), objectId, destinationId));
        }
        return new Plan(steps, Name, notes);
    }

    /// <summary>A wipe's tool: the one named, else a wiping tool the scene shows, else the configured default.</summary>
    private StepDraft WithTool(StepDraft draft, int index, SceneSnapshot? scene, List<string> notes)
    {
        if (draft.Action != StepAction.Wipe || draft.Tool is not null)
        {
            return draft;
        }
        var seen = scene is null ? null : Lexicon.WipingTools
            .Select(tool => scene.Objects.FirstOrDefault(o => o.Label.Split(' ').Contains(tool, StringComparer.OrdinalIgnoreCase)))
            .FirstOrDefault(o => o is not null);
        if (seen is not null)
        {
            notes.Add($"step {index + 1}: wiping with the {seen.Label} seen in scene {scene!.SceneId}");
            return draft with { Tool = $"the {seen.Label}" };
        }
        notes.Add($"step {index + 1}: no wiping tool named; assumed {Options.DefaultWipeTool}");
        return draft with { Tool = Options.DefaultWipeTool };
    }

    /// <summary>
    /// Binds the step's object, destination and named tool to objects of the scene (<see cref="SceneGrounding"/>); a
    /// mention that binds none, or several, fails the plan with the reason. A mention that matches a label only
    /// loosely ("the cup" for the scene's only "red cup") is replaced by the label, so the trace model is told what it
    /// will see; that, and a spatial word deciding between several objects, is noted.
    /// </summary>
    private static StepDraft InScene(StepDraft draft, SceneSnapshot scene, List<string> notes, out string objectId, out string? destinationId)
    {
        var obj = Bind(draft.Object);
        (string Mention, string Id)? destination = draft.Destination is null ? null : Bind(draft.Destination);
        var tool = draft.ToolNamed && draft.Tool is not null ? Bind(draft.Tool).Mention : draft.Tool;
        objectId = obj.Id;
        destinationId = destination?.Id;
        return draft with { Object = obj.Mention, Destination = destination?.Mention, Tool = tool };

        (string Mention, string Id) Bind(string mention)
        {
            var grounding = SceneGrounding.Bind(scene, mention);
            if (grounding.Object is not { } match)
            {
                throw new PlanningException(grounding.Problem!);
            }
            var note = grounding.Rule ?? $"'{SceneGrounding.Bare(mention)}' taken to be the {match.Label} in scene {scene.SceneId}";
            if (SceneGrounding.Names(mention, match.Label) && grounding.Rule is null)
            {
                return (mention, match.Id);
            }
            if (!notes.Contains(note))
            {
                notes.Add(note);
            }
            return ($"the {match.Label.ToLowerInvariant()}", match.Id);
        }
    }
}
