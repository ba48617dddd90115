using RoboTracer.Fleet.Domain.Planning;
using static RoboTracer.Fleet.Planner.Tests.Fixtures;

namespace RoboTracer.Fleet.Planner.Tests;

public sealed class RulePlannerCheckTests
{
    private readonly RulePlanner _planner = new();

    [Fact]
    public void Action_no_robot_can_perform_is_rejected()
    {
        var request = Request("put the cup in the sink, then pour the water from the jug into the glass", null, Robot("pick", "place"));

        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(request));

        Assert.Contains("no robot can 'pour'", error.Message, StringComparison.Ordinal);
        Assert.Contains("step 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("can: pick, place", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pick_and_place_needs_both_verbs_on_one_robot()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("put the cup in the sink", null, Robot("pick"), Robot("place", "wipe"))));

        Assert.Contains("no robot can 'pick and place'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'pick' and 'place' on one robot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_step_needs_some_robot_not_one_robot_for_all()
    {
        var plan = _planner.CreatePlan(Request("put the cup in the sink, then wipe the table", null, Robot("PICK", "Place"), Robot("wipe")));

        Assert.Equal(2, plan.Steps.Count);
    }

    [Fact]
    public void No_robots_means_nothing_can_be_planned()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(new PlanningRequest("wipe the table", null, [])));

        Assert.Contains("no robot can 'wipe'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no robots were offered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_missing_from_the_scene_is_rejected_with_what_was_seen()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("put the blue bowl on the plate", Scene("kitchen-1", "red cup", "plate"))));

        Assert.Equal("no 'blue bowl' in scene kitchen-1; seen: red cup, plate", error.Message);
    }

    [Fact]
    public void Destination_missing_from_the_scene_is_rejected()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("put the red cup in the sink", Scene("kitchen-1", "red cup", "plate"))));

        Assert.Equal("no 'sink' in scene kitchen-1; seen: red cup, plate", error.Message);
    }

    [Fact]
    public void Objects_in_the_scene_pass_unchanged()
    {
        var plan = _planner.CreatePlan(Request("put the red cup to the left of the plate", Scene("kitchen-1", "red cup", "plate")));

        Assert.Equal("pick up the red cup and place it to the left of the plate", plan.Steps[0].TraceInstruction);
        Assert.Empty(plan.Notes);
    }

    [Fact]
    public void A_loose_name_takes_the_scenes_only_matching_label()
    {
        var plan = _planner.CreatePlan(Request("put the cup on the plate", Scene("kitchen-1", "red cup", "plate")));

        Assert.Equal("the red cup", plan.Steps[0].Object);
        Assert.Equal("pick up the red cup and place it on the plate", plan.Steps[0].TraceInstruction);
        Assert.Contains("'cup' taken to be the red cup in scene kitchen-1", plan.Notes);
    }

    [Fact]
    public void A_name_that_fits_several_objects_is_ambiguous()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("put the cup on the plate", Scene("kitchen-1", "red cup", "blue cup", "plate"))));

        Assert.Equal("'cup' could be any of red cup, blue cup in scene kitchen-1; say which one (by colour, or 'the left …', 'the nearest …')", error.Message);
    }

    [Fact]
    public void The_issue_21_instruction_fails_on_the_first_object_the_scene_lacks_and_lists_what_it_holds()
    {
        var scene = Scene("table-robot-1", "red cup", "blue box", "white plate", "green block", "yellow bowl", "purple bottle", "black can");

        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("put the red block on the blue plate, then move the green cup to the left of the plate", scene)));

        Assert.Equal("no 'red block' in scene table-robot-1; seen: red cup, blue box, white plate, green block, yellow bowl, purple bottle, black can", error.Message);
    }

    [Fact]
    public void A_colour_the_object_does_not_have_binds_nothing()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("put the red cup on the blue plate", Scene("table-1", "red cup", "white plate"))));

        Assert.Equal("no 'blue plate' in scene table-1; seen: red cup, white plate", error.Message);
    }

    [Fact]
    public void Each_step_carries_the_ids_of_the_objects_it_was_bound_to()
    {
        var scene = Scene("table-1", "red cup", "blue box", "white plate", "green block");

        var plan = _planner.CreatePlan(Request("put the cup on the plate, then move the green block to the left of the blue box", scene));

        Assert.Equal(("obj-0", "obj-2"), (plan.Steps[0].ObjectId, plan.Steps[0].DestinationId));
        Assert.Equal(("obj-3", "obj-1"), (plan.Steps[1].ObjectId, plan.Steps[1].DestinationId));
        Assert.Equal("pick up the red cup and place it on the white plate", plan.Steps[0].TraceInstruction);
    }

    [Fact]
    public void A_plan_made_without_a_scene_binds_nothing()
    {
        var plan = _planner.CreatePlan(Request("put the red block on the blue plate"));

        Assert.Equal((null, null), (plan.Steps[0].ObjectId, plan.Steps[0].DestinationId));
    }

    [Fact]
    public void A_spatial_word_picks_one_of_several_objects_and_the_note_states_the_rule()
    {
        // Fixtures.Scene places object i at x = 0.1 i: the blue cup (obj-1) is right of the red cup (obj-0).
        var scene = Scene("table-1", "red cup", "blue cup", "white plate");

        var left = _planner.CreatePlan(Request("put the left cup on the plate", scene));
        var right = _planner.CreatePlan(Request("put the rightmost cup on the plate", scene));

        Assert.Equal(("obj-0", "pick up the red cup and place it on the white plate"), (left.Steps[0].ObjectId, left.Steps[0].TraceInstruction));
        Assert.Contains("'left cup' taken to be the red cup (obj-0) in scene table-1: the leftmost in the camera's view of red cup, blue cup", left.Notes);
        Assert.Equal("obj-1", right.Steps[0].ObjectId);
    }

    [Fact]
    public void A_label_inside_a_longer_word_does_not_match()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("open the cupboard", Scene("kitchen-1", "cup", "plate"))));

        Assert.Equal("no 'cupboard' in scene kitchen-1; seen: cup, plate", error.Message);
    }

    [Fact]
    public void Wipe_uses_a_wiping_tool_the_scene_shows()
    {
        var plan = _planner.CreatePlan(Request("wipe the table", Scene("kitchen-1", "table", "blue cloth", "red cup")));

        Assert.Equal("wipe the table with the blue cloth", plan.Steps[0].TraceInstruction);
    }

    [Fact]
    public void A_named_tool_missing_from_the_scene_is_rejected()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("wipe the table with the towel", Scene("kitchen-1", "table", "sponge"))));

        Assert.Equal("no 'towel' in scene kitchen-1; seen: table, sponge", error.Message);
    }

    [Fact]
    public void An_and_inside_a_scene_label_is_one_object()
    {
        var plan = _planner.CreatePlan(Request("put the salt and pepper shaker on the shelf", Scene("kitchen-1", "salt and pepper shaker", "shelf")));

        Assert.Equal("the salt and pepper shaker", Assert.Single(plan.Steps).Object);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Empty_instruction_is_rejected(string instruction)
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request(instruction)));

        Assert.StartsWith("The instruction is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hundred_kilobyte_instruction_is_rejected_by_its_length()
    {
        var instruction = string.Concat(Enumerable.Repeat("put the cup in the sink, then ", 3500))[..102_400];

        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request(instruction)));

        Assert.Equal("The instruction is 102,400 characters long; the limit is 2,000. Split the task into shorter instructions.", error.Message);
    }

    [Theory]
    [InlineData("hello robot")]
    [InlineData("clear the table")]
    [InlineData("the weather is nice today")]
    public void Text_without_an_action_verb_is_rejected(string instruction)
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request(instruction)));

        Assert.Contains("no action verb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_goal_without_steps_is_rejected()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("clear the table:")));

        Assert.StartsWith("No action in \"clear the table:\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_verbless_sentence_among_steps_is_rejected()
    {
        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request("put the cup in the sink. the weather is nice.")));

        Assert.Contains("\"the weather is nice\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_steps_than_the_limit_are_rejected()
    {
        var instruction = string.Join(", then ", Enumerable.Repeat("put the cup in the sink", 21));

        var error = Assert.Throws<PlanningException>(() => _planner.CreatePlan(Request(instruction)));

        Assert.Equal("The instruction makes 21 steps; a plan holds at most 20. Split the task.", error.Message);
    }
}
