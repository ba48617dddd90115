using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Planner.Llm;
using static RoboTracer.Fleet.Planner.Tests.Fixtures;

namespace RoboTracer.Fleet.Planner.Tests;

public sealed class PlanReplyTests
{
    private const string Step = "{\"action\":\"open\",\"object\":\"the drawer\",\"trace_instruction\":\"open the drawer\",\"success_check\":{\"kind\":\"object_moved\",\"description\":\"the drawer is open\"}}";

    private static List<PlannedStep>? Read(string reply, out string error, SceneSnapshot? scene = null) =>
        PlanReply.Read(reply, Request("open the drawer", scene), maxSteps: 20, out error);

    [Theory]
    [InlineData("{\"steps\":[" + Step + "]}")]
    [InlineData("```json\n{\"steps\":[" + Step + "]}\n```")]
    [InlineData("<think>the user wants {the drawer} open</think>{\"steps\":[" + Step + "]}")]
    [InlineData("Here is the plan: {\"steps\":[" + Step + "]} Hope it helps.")]
    [InlineData("[" + Step + "]")]
    public void A_plan_is_found_in_the_usual_wrappings(string reply)
    {
        var steps = Read(reply, out var error);

        Assert.True(steps is not null, error);
        Assert.Equal(StepAction.Open, Assert.Single(steps).Action);
    }

    [Theory]
    [InlineData("", "the reply is empty")]
    [InlineData("not json at all", "the reply is not valid JSON")]
    [InlineData("{\"plan\":[]}", "the reply has no \"steps\" array")]
    [InlineData("{\"steps\":[]}", "\"steps\" is empty; a plan needs at least one step")]
    [InlineData("{\"steps\":[42]}", "step 1 is not an object")]
    [InlineData("{\"steps\":[{\"object\":\"the drawer\",\"trace_instruction\":\"open the drawer\",\"success_check\":\"open\"}]}", "step 1: \"action\" is required")]
    [InlineData("{\"steps\":[{\"action\":\"open\",\"object\":\"\",\"trace_instruction\":\"open the drawer\",\"success_check\":\"open\"}]}", "step 1: \"object\" must be a non-empty string")]
    [InlineData("{\"steps\":[{\"action\":\"open\",\"object\":\"the drawer\",\"success_check\":\"open\"}]}", "step 1: \"trace_instruction\" is required")]
    [InlineData("{\"steps\":[{\"action\":\"open\",\"object\":\"the drawer\",\"trace_instruction\":\"open the drawer\"}]}", "step 1: \"success_check\" is required")]
    [InlineData("{\"steps\":[{\"action\":\"open\",\"object\":\"the drawer\",\"trace_instruction\":\"open the drawer\",\"success_check\":{\"kind\":\"vibes\",\"description\":\"x\"}}]}", "step 1: unknown success_check kind 'vibes'")]
    [InlineData("{\"steps\":[{\"action\":\"fly\",\"object\":\"the drawer\",\"trace_instruction\":\"fly\",\"success_check\":\"x\"}]}", "step 1: unknown action 'fly'; use one of pick_and_place, push, wipe, open, close, pour")]
    [InlineData("{\"steps\":[{\"action\":\"push\",\"object\":\"the box\",\"trace_instruction\":\"push the box\",\"success_check\":\"x\"}]}", "step 1: push needs a destination or a direction")]
    [InlineData("{\"steps\":[{\"action\":\"pour\",\"object\":\"the jug\",\"trace_instruction\":\"pour the jug\",\"success_check\":\"x\"}]}", "step 1: pour needs a destination")]
    public void Schema_violations_are_reported_for_the_model_to_fix(string reply, string expected)
    {
        var steps = Read(reply, out var error);

        Assert.Null(steps);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_the_step_limit_is_rejected()
    {
        var reply = $"{{\"steps\":[{string.Join(',', Enumerable.Repeat(Step, 21))}]}}";

        Assert.Null(Read(reply, out var error));
        Assert.Equal("the plan has 21 steps; at most 20 are allowed", error);
    }

    [Fact]
    public void Every_error_of_a_reply_is_reported_together()
    {
        var reply = "{\"steps\":[{\"action\":\"fly\",\"object\":\"the drawer\",\"trace_instruction\":\"x\",\"success_check\":\"x\"},{\"action\":\"swim\",\"object\":\"the drawer\",\"trace_instruction\":\"x\",\"success_check\":\"x\"}]}";

        Assert.Null(Read(reply, out var error));
        Assert.Contains("step 1: unknown action 'fly'", error, StringComparison.Ordinal);
        Assert.Contains("step 2: unknown action 'swim'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_names_and_action_spellings_are_read_leniently()
    {
        const string reply = "{\"Steps\":[{\"Action\":\"Pick-And-Place\",\"object\":\"the cup\",\"destination\":\"the sink\",\"direction\":null,\"traceInstruction\":\"pick up the cup and place it in the sink\",\"successCheck\":{\"kind\":\"ObjectAtDestination\",\"description\":\"in the sink\"}}]}";

        var step = Assert.Single(Read(reply, out var error) ?? throw new InvalidOperationException(error));

        Assert.Equal(StepAction.PickAndPlace, step.Action);
        Assert.Equal(SuccessCheckKind.ObjectAtDestination, step.SuccessCheck.Kind);
        Assert.Null(step.Direction);
    }

    [Fact]
    public void Objects_must_be_in_the_scene_when_one_is_given()
    {
        var steps = Read("{\"steps\":[" + Step + "]}", out var error, Scene("kitchen-1", "cup"));

        Assert.Null(steps);
        Assert.Equal("step 1: no 'drawer' in scene kitchen-1; seen: cup", error);
    }

    [Fact]
    public void A_models_steps_are_bound_to_the_scenes_objects()
    {
        const string place = "{\"action\":\"pick_and_place\",\"object\":\"the cup\",\"destination\":\"the white plate\",\"trace_instruction\":\"pick up the cup and place it on the white plate\",\"success_check\":{\"kind\":\"object_at_destination\",\"description\":\"the cup is on the plate\"}}";

        var step = Assert.Single(Read("{\"steps\":[" + place + "]}", out var error, Scene("table-1", "white plate", "red cup")) ?? throw new InvalidOperationException(error));

        Assert.Equal(("obj-1", "obj-0"), (step.ObjectId, step.DestinationId));
    }
}
