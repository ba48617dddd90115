using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Planner.Tests;

public sealed class PlannerRegistrationTests
{
    /// <summary>The planner's services as a host has them: with logging, which the chat client logs through.</summary>
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddFleetPlanner(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Without_an_llm_endpoint_the_rule_planner_plans()
    {
        using var services = Build(new() { ["Planner:MaxInstructionLength"] = "500" });

        var planner = services.GetRequiredService<IPlanner>();

        Assert.IsType<RulePlanner>(planner);
        Assert.Equal(500, ((RulePlanner)planner).Options.MaxInstructionLength);
    }

    [Fact]
    public void With_an_llm_endpoint_and_model_the_llm_planner_plans()
    {
        using var services = Build(new()
        {
            ["Planner:Llm:Endpoint"] = "http://127.0.0.1:8000/v1",
            ["Planner:Llm:Model"] = "Qwen/Qwen3-8B",
            ["Planner:Llm:Timeout"] = "30",
        });

        var planner = services.GetRequiredService<IPlanner>();

        Assert.IsType<LlmPlanner>(planner);
        Assert.Equal("Qwen/Qwen3-8B", services.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal(TimeSpan.FromSeconds(30), services.GetRequiredService<LlmPlannerOptions>().Timeout);
        Assert.NotNull(services.GetRequiredService<RulePlanner>());
    }

    [Fact]
    public async Task The_registered_llm_planner_plans_through_the_configured_endpoint_and_traces_the_request()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.ReplyJson(new { steps = new[] { new { action = "open", @object = "the drawer", trace_instruction = "open the drawer", success_check = new { kind = "object_moved", description = "the drawer is open" } } } });
        using var services = Build(new()
        {
            ["Planner:Llm:Endpoint"] = server.Endpoint.ToString(),
            ["Planner:Llm:Model"] = "vllm-model",
            ["Planner:Llm:ApiKey"] = "secret",
            ["Planner:Llm:MaxRetries"] = "0",
        });
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LlmPlanner.TelemetrySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var plan = await services.GetRequiredService<IPlanner>().PlanAsync(Fixtures.Request("open the drawer"), CancellationToken.None);

        Assert.Equal("llm:vllm-model", plan.Planner);
        Assert.Equal("vllm-model", Assert.Single(server.Requests).GetProperty("model").GetString());
        // One gen_ai span per request, as the OpenTelemetry semantic conventions for generative AI name it.
        var chat = Assert.Single(activities);
        Assert.Equal("chat vllm-model", chat.DisplayName);
        Assert.Equal("vllm-model", chat.GetTagItem("gen_ai.request.model"));
    }

    [Fact]
    public void An_endpoint_without_a_model_fails_at_registration()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["Planner:Llm:Endpoint"] = "http://127.0.0.1:8000/v1" }));

        Assert.Contains("Planner:Llm:Model is not", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Planner:Llm:Endpoint", "not a url")]
    [InlineData("Planner:Llm:Timeout", "soon")]
    [InlineData("Planner:MaxSteps", "-1")]
    public void Malformed_settings_fail_at_registration(string key, string value)
    {
        var settings = new Dictionary<string, string?> { ["Planner:Llm:Endpoint"] = "http://127.0.0.1:8000/v1", ["Planner:Llm:Model"] = "m", [key] = value };

        var error = Assert.Throws<InvalidOperationException>(() => Build(settings));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
