using RoboTracer.Fleet.Domain.Planning;
using static RoboTracer.Fleet.Planner.Tests.Fixtures;

namespace RoboTracer.Fleet.Planner.Tests;

public sealed class RulePlannerTests
{
    private readonly RulePlanner _planner = new();

    [Fact]
    public async Task Five_step_instruction_becomes_five_steps_in_order()
    {
        const string instruction = "Clear the table: first put the red cup in the sink, then pick up the plate and place it to the left of the sink; "
            + "after that push the bowl next to the plate. Then wipe the table with the sponge and finally close the drawer.";

        var plan = await _planner.PlanAsync(Request(instruction), CancellationToken.None);

        Assert.Equal("rule", plan.Planner);
        Assert.Equal([0, 1, 2, 3, 4], plan.Steps.Select(s => s.Index));
        AssertStep(plan.Steps[0], StepAction.PickAndPlace, "the red cup", "the sink", null, "pick up the red cup and place it in the sink", SuccessCheckKind.ObjectAtDestination);
        AssertStep(plan.Steps[1], StepAction.PickAndPlace, "the plate", "the sink", "to the left of", "pick up the plate and place it to the left of the sink", SuccessCheckKind.ObjectAtDestination);
        AssertStep(plan.Steps[2], StepAction.Push, "the bowl", "the plate", "next to", "push the bowl next to the plate", SuccessCheckKind.ObjectAtDestination);
        AssertStep(plan.Steps[3], StepAction.Wipe, "the table", null, null, "wipe the table with the sponge", SuccessCheckKind.RobotReport);
        AssertStep(plan.Steps[4], StepAction.Close, "the drawer", null, null, "close the drawer", SuccessCheckKind.ObjectMoved);
        Assert.Equal("the red cup is in the sink", plan.Steps[0].SuccessCheck.Description);
        Assert.Equal("the plate is to the left of the sink", plan.Steps[1].SuccessCheck.Description);
        Assert.Contains("goal: clear the table", plan.Notes);
    }

    public static TheoryData<string, string[]> Instructions => new()
    {
        { "clear the table: put the cup in the sink, then wipe the table", ["pick up the cup and place it in the sink", "wipe the table with the sponge"] },
        { "put the cup in the sink and wipe the table", ["pick up the cup and place it in the sink", "wipe the table with the sponge"] },
        { "put the cup in the sink and then wipe the table", ["pick up the cup and place it in the sink", "wipe the table with the sponge"] },
        { "put the cup in the sink after that wipe the table", ["pick up the cup and place it in the sink", "wipe the table with the sponge"] },
        { "put the cup in the sink; wipe the table; close the drawer", ["pick up the cup and place it in the sink", "wipe the table with the sponge", "close the drawer"] },
        { "1. Put the cup in the sink 2. Wipe the table 3. Open the drawer", ["pick up the cup and place it in the sink", "wipe the table with the sponge", "open the drawer"] },
        { "1) put the fork in the drawer\n2) close the drawer", ["pick up the fork and place it in the drawer", "close the drawer"] },
        { "Tidy up:\n1. put the fork in the drawer\n2. close the drawer", ["pick up the fork and place it in the drawer", "close the drawer"] },
        { "Step 1: put the cup in the sink. Step 2: wipe the table.", ["pick up the cup and place it in the sink", "wipe the table with the sponge"] },
        { "- put the cup in the sink\n- wipe the table", ["pick up the cup and place it in the sink", "wipe the table with the sponge"] },
        { "first, open the drawer. second, put the fork in it. third, close it.", ["open the drawer", "pick up the fork and place it in the drawer", "close the drawer"] },
        { "pick up the red cup and place it to the left of the plate", ["pick up the red cup and place it to the left of the plate"] },
        { "pick the cup up and put it on the plate", ["pick up the cup and place it on the plate"] },
        { "grab the cup then place it in the sink", ["pick up the cup and place it in the sink"] },
        { "take the cup out of the sink and put it on the rack", ["pick up the cup from the sink and place it on the rack"] },
        { "put the cup and the plate in the sink", ["pick up the cup and place it in the sink", "pick up the plate and place it in the sink"] },
        { "put the cup in the sink and the plate on the rack", ["pick up the cup and place it in the sink", "pick up the plate and place it on the rack"] },
        { "put the apple on the plate, then the banana", ["pick up the apple and place it on the plate", "pick up the banana and place it on the plate"] },
        { "put the cup between the bowl and the plate", ["pick up the cup and place it between the bowl and the plate"] },
        { "open the microwave, put the cup in it, then close it", ["open the microwave", "pick up the cup and place it in the microwave", "close the microwave"] },
        { "move the cup 10 cm to the left", ["pick up the cup and move it 10 cm to the left"] },
        { "bring the mug to the sink", ["pick up the mug and move it to the sink"] },
        { "slide the box to the right of the plate", ["push the box to the right of the plate"] },
        { "push the bowl forward", ["push the bowl forward"] },
        { "pour the water from the jug into the glass", ["pour the water from the jug into the glass"] },
        { "empty the cup into the sink", ["pour the cup into the sink"] },
        { "clean up the table", ["wipe the table with the sponge"] },
        { "wipe down the counter with a cloth", ["wipe the counter with a cloth"] },
        { "wipe the table and the counter", ["wipe the table with the sponge", "wipe the counter with the sponge"] },
        { "open the first drawer", ["open the first drawer"] },
        { "robot, could you please put the cup in the sink", ["pick up the cup and place it in the sink"] },
        { "put cup in sink", ["pick up the cup and place it in the sink"] },
        { "put the cup on shelf 2. then wipe the table", ["pick up the cup and place it on the shelf 2", "wipe the table with the sponge"] },
        { "put the café mug on the tray", ["pick up the café mug and place it on the tray"] },
        { "put the cup in the sink, then put the plate there too", ["pick up the cup and place it in the sink", "pick up the plate and place it in the sink"] },
    };

    [Theory]
    [MemberData(nameof(Instructions))]
    public void Instruction_becomes_the_expected_trace_instructions(string instruction, string[] traces)
    {
        var plan = _planner.CreatePlan(Request(instruction));

        Assert.Equal(traces, plan.Steps.Select(s => s.TraceInstruction));
        Assert.Equal(Enumerable.Range(0, traces.Length), plan.Steps.Select(s => s.Index));
    }

    [Theory]
    [InlineData("to the left of", "to the left of", "to the left of")]
    [InlineData("left of", "to the left of", "to the left of")]
    [InlineData("on the left side of", "to the left of", "to the left of")]
    // Read since the planner shares the domain's relation words with the geometric backend, which read it before.
    [InlineData("left side of", "to the left of", "to the left of")]
    [InlineData("to the right of", "to the right of", "to the right of")]
    [InlineData("in front of", "in front of", "in front of")]
    [InlineData("behind", "behind", "behind")]
    [InlineData("next to", "next to", "next to")]
    [InlineData("beside", "next to", "next to")]
    [InlineData("on top of", null, "on top of")]
    [InlineData("on", null, "on")]
    [InlineData("onto", null, "onto")]
    [InlineData("into", null, "into")]
    [InlineData("in", null, "in")]
    [InlineData("inside", null, "inside")]
    public void Spatial_relation_sets_direction_and_trace(string relation, string? direction, string traceRelation)
    {
        var step = Assert.Single(_planner.CreatePlan(Request($"place the red cup {relation} the plate")).Steps);

        Assert.Equal(StepAction.PickAndPlace, step.Action);
        Assert.Equal("the red cup", step.Object);
        Assert.Equal("the plate", step.Destination);
        Assert.Equal(direction, step.Direction);
        Assert.Equal($"pick up the red cup and place it {traceRelation} the plate", step.TraceInstruction);
        Assert.Equal(SuccessCheckKind.ObjectAtDestination, step.SuccessCheck.Kind);
    }

    [Fact]
    public void Direction_without_destination_is_a_move_checked_by_movement()
    {
        var step = Assert.Single(_planner.CreatePlan(Request("move the cup left")).Steps);

        Assert.Null(step.Destination);
        Assert.Equal("to the left", step.Direction);
        Assert.Equal(SuccessCheckKind.ObjectMoved, step.SuccessCheck.Kind);
    }

    [Fact]
    public void It_in_an_object_means_the_previous_steps_object()
    {
        var plan = _planner.CreatePlan(Request("put the cup in the sink and then put it on the rack"));

        Assert.Equal(["the cup", "the cup"], plan.Steps.Select(s => s.Object));
        Assert.Equal(["the sink", "the rack"], plan.Steps.Select(s => s.Destination));
    }

    [Fact]
    public void It_in_a_destination_means_the_previous_steps_object()
    {
        var plan = _planner.CreatePlan(Request("put the cup in the sink. Then put the plate next to it."));

        Assert.Equal("the plate", plan.Steps[1].Object);
        Assert.Equal("the cup", plan.Steps[1].Destination);
        Assert.Equal("next to", plan.Steps[1].Direction);
        Assert.Equal("pick up the plate and place it next to the cup", plan.Steps[1].TraceInstruction);
    }

    [Fact]
    public void Them_means_every_object_of_the_previous_step()
    {
        var plan = _planner.CreatePlan(Request("pick up the cup and the plate and put them in the sink"));

        Assert.Equal(["the cup", "the plate"], plan.Steps.Select(s => s.Object));
        Assert.All(plan.Steps, s => Assert.Equal("the sink", s.Destination));
    }

    [Fact]
    public void A_pronoun_with_nothing_before_it_is_rejected()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("put it in the sink")));

        Assert.Contains("'it'", error.Message, StringComparison.Ordinal);
        Assert.Contains("refers to nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pour_names_the_container_as_the_object_and_the_contents_in_the_trace()
    {
        var step = Assert.Single(_planner.CreatePlan(Request("pour the water from the jug into the glass")).Steps);

        Assert.Equal(StepAction.Pour, step.Action);
        Assert.Equal("the jug", step.Object);
        Assert.Equal("the glass", step.Destination);
        Assert.Null(step.Direction);
    }

    [Fact]
    public void Open_and_close_have_no_destination()
    {
        var plan = _planner.CreatePlan(Request("open the drawer, then close it"));

        Assert.Equal([StepAction.Open, StepAction.Close], plan.Steps.Select(s => s.Action));
        Assert.All(plan.Steps, s => Assert.Null(s.Destination));
        Assert.All(plan.Steps, s => Assert.Equal("the drawer", s.Object));
    }

    [Fact]
    public void Wipe_without_a_named_tool_assumes_the_default_and_says_so()
    {
        var plan = _planner.CreatePlan(Request("wipe the table"));

        Assert.Equal("wipe the table with the sponge", plan.Steps[0].TraceInstruction);
        Assert.Contains(plan.Notes, n => n.Contains("assumed the sponge", StringComparison.Ordinal));
    }

    [Fact]
    public void Pick_up_without_a_place_is_rejected()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("pick up the cup")));

        Assert.Contains("not where", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_without_a_destination_or_direction_is_rejected()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("push the box")));

        Assert.Contains("\"push the box\" says what to push but not where", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_request_is_not_planned()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _planner.PlanAsync(Request("wipe the table"), cancelled.Token));
    }

    private static void AssertStep(PlannedStep step, StepAction action, string obj, string? destination, string? direction, string trace, SuccessCheckKind check)
    {
        Assert.Equal(action, step.Action);
        Assert.Equal(obj, step.Object);
        Assert.Equal(destination, step.Destination);
        Assert.Equal(direction, step.Direction);
        Assert.Equal(trace, step.TraceInstruction);
        Assert.Equal(check, step.SuccessCheck.Kind);
    }
}
