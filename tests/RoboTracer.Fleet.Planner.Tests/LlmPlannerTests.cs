using RoboTracer.Fleet.Domain.Planning;
using static RoboTracer.Fleet.Planner.Tests.Fixtures;

namespace RoboTracer.Fleet.Planner.Tests;

/// <summary>
/// The LLM planner through the chat client <see cref="OpenAiChatClientOptions.CreateChatClient"/> makes
/// (Microsoft.Extensions.AI.OpenAI) against an in-test OpenAI-compatible server.
/// </summary>
public sealed class LlmPlannerTests : IAsyncLifetime
{
    private const string Instruction = "clear the table: put the red cup to the left of the plate, then wipe the table";

    private FakeOpenAiServer _server = null!;
    private readonly HttpClient _transport = new();

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _transport.Dispose();
    }

    private LlmPlanner Planner(Uri? endpoint = null, LlmPlannerOptions? options = null)
    {
        var chat = new OpenAiChatClientOptions { Endpoint = endpoint ?? _server.Endpoint, Model = "qwen-test", MaxRetries = 0 }.CreateChatClient(_transport);
        return new LlmPlanner(chat, new RulePlanner(), options);
    }

    private static object ValidPlan(string firstAction = "pick_and_place") => new
    {
        steps = new object[]
        {
            new
            {
                action = firstAction,
                @object = "the red cup",
                destination = "the plate",
                direction = "to the left of",
                trace_instruction = "pick up the red cup and place it to the left of the plate",
                success_check = new { kind = "object_at_destination", description = "the red cup is left of the plate" },
            },
            new
            {
                action = "wipe",
                @object = "the table",
                destination = (string?)null,
                direction = (string?)null,
                trace_instruction = "wipe the table with the sponge",
                success_check = new { kind = "robot_report", description = "the robot reports the table wiped" },
            },
        },
    };

    [Fact]
    public async Task Valid_json_becomes_the_plan_asked_for_at_temperature_zero()
    {
        _server.ReplyJson(ValidPlan());

        var plan = await Planner().PlanAsync(Request(Instruction, Scene("kitchen-1", "red cup", "plate", "table")), CancellationToken.None);

        Assert.Equal("llm:qwen-test", plan.Planner);
        Assert.Empty(plan.Notes);
        Assert.Equal([StepAction.PickAndPlace, StepAction.Wipe], plan.Steps.Select(s => s.Action));
        Assert.Equal([0, 1], plan.Steps.Select(s => s.Index));
        var first = plan.Steps[0];
        Assert.Equal(("the red cup", "the plate", "to the left of"), (first.Object, first.Destination, first.Direction));
        Assert.Equal("pick up the red cup and place it to the left of the plate", first.TraceInstruction);
        Assert.Equal(new SuccessCheck(SuccessCheckKind.ObjectAtDestination, "the red cup is left of the plate"), first.SuccessCheck);
        Assert.Null(plan.Steps[1].Destination);

        var request = Assert.Single(_server.Requests);
        Assert.Equal(0, request.GetProperty("temperature").GetDouble());
        // Structured output: the plan's schema is the response format.
        var format = request.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var step = format.GetProperty("json_schema").GetProperty("schema").GetProperty("properties").GetProperty("steps").GetProperty("items");
        Assert.Equal(
            ["action", "destination", "direction", "object", "success_check", "trace_instruction"],
            step.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var messages = request.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Contains("trace_instruction", messages[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        var user = messages[1].GetProperty("content").GetString();
        Assert.Contains(Instruction, user, StringComparison.Ordinal);
        Assert.Contains("Scene kitchen-1 objects: red cup, plate, table", user, StringComparison.Ordinal);
        Assert.Contains("Actions they can perform: pick_and_place, push, wipe, open, close, pour", user, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_json_is_retried_once_with_the_validation_error()
    {
        _server.Reply("Sure! Here is the plan: {\"steps\": [");
        _server.ReplyJson(ValidPlan());

        var plan = await Planner().PlanAsync(Request(Instruction), CancellationToken.None);

        Assert.Equal("llm:qwen-test", plan.Planner);
        Assert.Equal(2, plan.Steps.Count);
        Assert.Contains(plan.Notes, n => n.StartsWith("the first reply was not a valid plan (the reply is not valid JSON", StringComparison.Ordinal));
        Assert.Equal(2, _server.Requests.Count);
        var retry = _server.Requests[1].GetProperty("messages");
        Assert.Equal(4, retry.GetArrayLength());
        Assert.Equal("assistant", retry[2].GetProperty("role").GetString());
        Assert.Equal("Sure! Here is the plan: {\"steps\": [", retry[2].GetProperty("content").GetString());
        Assert.Equal("user", retry[3].GetProperty("role").GetString());
        Assert.StartsWith("That reply is not a valid plan: the reply is not valid JSON", retry[3].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests[1].GetProperty("temperature").GetDouble());
    }

    [Fact]
    public async Task Unknown_action_twice_falls_back_to_the_rule_planner_with_a_note()
    {
        _server.ReplyJson(ValidPlan(firstAction: "teleport"));
        _server.ReplyJson(ValidPlan(firstAction: "teleport"));

        var plan = await Planner().PlanAsync(Request(Instruction), CancellationToken.None);

        Assert.StartsWith("rule (fallback from llm: invalid plan twice: step 1: unknown action 'teleport'", plan.Planner, StringComparison.Ordinal);
        Assert.StartsWith("the LLM planner (qwen-test) failed: invalid plan twice: step 1: unknown action 'teleport'", plan.Notes[0], StringComparison.Ordinal);
        Assert.Contains("goal: clear the table", plan.Notes);
        var rulePlan = new RulePlanner().CreatePlan(Request(Instruction));
        Assert.Equal(rulePlan.Steps, plan.Steps);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains("unknown action 'teleport'", _server.Requests[1].GetProperty("messages")[3].GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_down_falls_back_to_the_rule_planner()
    {
        var plan = await Planner(FakeOpenAiServer.DeadEndpoint()).PlanAsync(Request(Instruction), CancellationToken.None);

        Assert.StartsWith("rule (fallback from llm: the chat endpoint failed", plan.Planner, StringComparison.Ordinal);
        Assert.StartsWith("the LLM planner (qwen-test) failed: the chat endpoint failed", plan.Notes[0], StringComparison.Ordinal);
        Assert.Equal(["pick up the red cup and place it to the left of the plate", "wipe the table with the sponge"], plan.Steps.Select(s => s.TraceInstruction));
    }

    [Fact]
    public async Task Http_error_falls_back_without_a_retry()
    {
        _server.ReplyStatus(500);

        var plan = await Planner().PlanAsync(Request(Instruction), CancellationToken.None);

        Assert.StartsWith("rule (fallback from llm: the chat endpoint failed", plan.Planner, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', plan.Planner);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task An_endpoint_that_refuses_a_json_schema_format_is_asked_for_plain_json_from_then_on()
    {
        _server.ReplyStatus(400);
        _server.ReplyJson(ValidPlan());
        _server.ReplyJson(ValidPlan());
        var planner = Planner();

        var first = await planner.PlanAsync(Request(Instruction), CancellationToken.None);
        var second = await planner.PlanAsync(Request(Instruction), CancellationToken.None);

        Assert.Equal(("llm:qwen-test", "llm:qwen-test"), (first.Planner, second.Planner));
        Assert.Empty(first.Notes);
        Assert.Equal(
            ["json_schema", "json_object", "json_object"],
            _server.Requests.Select(r => r.GetProperty("response_format").GetProperty("type").GetString()));
    }

    [Fact]
    public async Task No_answer_within_the_timeout_falls_back()
    {
        _server.NeverReply();

        var plan = await Planner(options: new LlmPlannerOptions { Timeout = TimeSpan.FromMilliseconds(200) }).PlanAsync(Request(Instruction), CancellationToken.None);

        Assert.Equal("rule (fallback from llm: no answer within 0.2 s)", plan.Planner);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_a_fallback()
    {
        _server.NeverReply();
        using var cancellation = new CancellationTokenSource();
        var planning = Planner().PlanAsync(Request(Instruction), cancellation.Token);
        await _server.FirstRequest.WaitAsync(TimeSpan.FromSeconds(30));

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => planning);
    }

    [Fact]
    public async Task An_object_missing_from_the_scene_is_a_validation_error()
    {
        var wrong = new
        {
            steps = new[]
            {
                new { action = "pick_and_place", @object = "the blue bowl", destination = "the plate", trace_instruction = "pick up the blue bowl and place it on the plate", success_check = "the bowl is on the plate" },
            },
        };
        _server.ReplyJson(wrong);
        _server.ReplyJson(ValidPlan());

        var plan = await Planner().PlanAsync(Request(Instruction, Scene("kitchen-1", "red cup", "plate", "table")), CancellationToken.None);

        Assert.Equal("llm:qwen-test", plan.Planner);
        Assert.Contains("step 1: no 'blue bowl' in scene kitchen-1; seen: red cup, plate, table", _server.Requests[1].GetProperty("messages")[3].GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_action_no_robot_can_perform_is_a_validation_error()
    {
        var pour = new
        {
            steps = new[]
            {
                new { action = "pour", @object = "the jug", destination = "the glass", trace_instruction = "pour the jug into the glass", success_check = new { kind = "robot_report", description = "poured" } },
            },
        };
        _server.ReplyJson(pour);
        _server.ReplyJson(pour);

        var plan = await Planner().PlanAsync(Request("put the cup in the sink", null, Robot("pick", "place")), CancellationToken.None);

        Assert.StartsWith("rule (fallback from llm: invalid plan twice: no robot can 'pour'", plan.Planner, StringComparison.Ordinal);
        Assert.Equal("pick up the cup and place it in the sink", Assert.Single(plan.Steps).TraceInstruction);
    }

    [Fact]
    public async Task When_the_fallback_cannot_plan_either_the_error_names_both_failures()
    {
        _server.Reply("no");
        _server.Reply("still no");

        var error = await Assert.ThrowsAsync<PlanningException>(() => Planner().PlanAsync(Request("hello robot"), CancellationToken.None));

        Assert.Contains("no action verb", error.Message, StringComparison.Ordinal);
        Assert.Contains("The LLM planner qwen-test failed first: invalid plan twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task Empty_instruction_is_rejected_without_asking_the_model(string instruction)
    {
        var error = await Assert.ThrowsAsync<PlanningException>(() => Planner().PlanAsync(Request(instruction), CancellationToken.None));

        Assert.StartsWith("The instruction is empty", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Hundred_kilobyte_instruction_is_rejected_without_asking_the_model()
    {
        var error = await Assert.ThrowsAsync<PlanningException>(() => Planner().PlanAsync(Request(new string('x', 102_400)), CancellationToken.None));

        Assert.StartsWith("The instruction is 102,400 characters long", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }
}
