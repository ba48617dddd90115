using System.Text;
using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Planner.Llm;

/// <summary>The conversation the LLM planner holds: the schema in the system prompt, the task in the user message.</summary>
internal static class PlanPrompt
{
    /// <summary>The plan's JSON schema and the rules of a good plan.</summary>
    public static string System(int maxSteps) => $$$"""
        You are the task planner of a robot fleet. You turn a user's long-horizon instruction into ordered steps.
        Each step is one motion of one object by one robot, traced by a spatial-trace model from the step's
        trace_instruction.

        Answer with one JSON object and nothing else, in this form:
        {"steps": [{"action": "pick_and_place", "object": "the red cup", "destination": "the plate", "direction": "to the left of", "trace_instruction": "pick up the red cup and place it to the left of the plate", "success_check": {"kind": "object_at_destination", "description": "the red cup is to the left of the plate"}}]}

        Fields of each step:
        - action (required): one of {{{string.Join(", ", StepActions.All.Select(StepActions.WireName))}}}.
        - object (required): the object acted on, named as in the scene when a scene is listed. For wipe the surface
          wiped, for open and close the thing opened or closed, for pour the container poured from.
        - destination: where the object ends up ("the plate", "the sink"), or null for wipe, open and close.
          pour needs one; pick_and_place and push need one unless direction says where to go.
        - direction: the spatial relation to the destination ("to the left of", "to the right of", "in front of",
          "behind", "next to"), a direction without a destination ("to the left", "forward"), or null when the
          object goes in, into or on the destination.
        - trace_instruction (required): the instruction for the trace model, one motion, phrased like
          "pick up the red cup and place it to the left of the plate", "pick up the cup and place it in the sink",
          "push the box next to the plate", "wipe the table with the sponge", "open the drawer",
          "close the drawer", "pour the water from the jug into the glass".
        - success_check (required): {"kind": one of object_at_destination, object_moved, robot_report,
          "description": how to tell the step worked, in words}.

        Rules: keep the user's order. One object per step: "put the cup and the plate in the sink" is two steps.
        Resolve "it" and "them" to the objects they mean. At most {{{maxSteps}}} steps. Use only actions the robots
        can perform. When scene objects are listed, name only those objects. Add no step the user did not ask for.
        """;

    /// <summary>The instruction, the scene's objects and the robots' capabilities.</summary>
    public static string User(PlanningRequest request, string instruction)
    {
        var text = new StringBuilder();
        text.Append("Instruction:\n").Append(instruction).Append("\n\n");
        if (request.Scene is { } scene)
        {
            var labels = scene.Objects.Select(o => o.Label).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            text.Append("Scene ").Append(scene.SceneId).Append(" objects: ")
                .Append(labels.Count == 0 ? "none seen" : string.Join(", ", labels)).Append('\n');
        }
        else
        {
            text.Append("Scene: no snapshot; name objects as the instruction does.\n");
        }
        var robots = request.Robots ?? [];
        var possible = StepActions.All.Where(a => robots.Any(r => StepActions.CanPerform(r, a))).Select(StepActions.WireName).ToList();
        text.Append("Robots: ");
        text.Append(robots.Count == 0
            ? "none"
            : string.Join("; ", robots.Select(r => $"{r.Kind.ToString().ToLowerInvariant()} ({string.Join(", ", r.Actions.Order(StringComparer.OrdinalIgnoreCase))})")));
        text.Append("\nActions they can perform: ").Append(possible.Count == 0 ? "none" : string.Join(", ", possible)).Append('\n');
        return text.ToString();
    }

    /// <summary>The message that asks again, carrying what was wrong.</summary>
    public static string Retry(string error) =>
        $"That reply is not a valid plan: {error}. Answer again with only the corrected JSON object, following the schema exactly.";
}
