using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Planner;

/// <summary>Registration of the fleet's planner.</summary>
public static class PlannerServiceCollectionExtensions
{
    /// <summary>The configuration section read.</summary>
    public const string Section = "Planner";

    /// <summary>
    /// Registers <see cref="IPlanner"/>: the <see cref="LlmPlanner"/> when <c>Planner:Llm:Endpoint</c> and
    /// <c>Planner:Llm:Model</c> are configured (with <c>ApiKey</c>, <c>Timeout</c>, <c>MaxOutputTokens</c>,
    /// <c>MaxRetries</c> beside them), else the <see cref="RulePlanner"/>. The LLM planner's <see cref="IChatClient"/>
    /// (Microsoft.Extensions.AI.OpenAI's, registered as the service's chat client) logs through the host's logging
    /// and traces each request as an OpenTelemetry activity of <see cref="LlmPlanner.TelemetrySourceName"/>. The
    /// <see cref="RulePlanner"/> is registered either way (it is the LLM planner's fallback), with the limits under
    /// <c>Planner</c> (<c>MaxInstructionLength</c>, <c>MaxSteps</c>, <c>DefaultWipeTool</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration is half there or malformed (an endpoint without a
    /// model, an endpoint that is not an absolute http(s) URL, a number that is not one): better to fail at start-up
    /// than to plan with rules while the operator believes an LLM plans.</exception>
    public static IServiceCollection AddFleetPlanner(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var plannerOptions = new PlannerOptions();
        plannerOptions.MaxInstructionLength = Int(section, nameof(PlannerOptions.MaxInstructionLength)) ?? plannerOptions.MaxInstructionLength;
        plannerOptions.MaxSteps = Int(section, nameof(PlannerOptions.MaxSteps)) ?? plannerOptions.MaxSteps;
        plannerOptions.DefaultWipeTool = section[nameof(PlannerOptions.DefaultWipeTool)] is { Length: > 0 } tool ? tool : plannerOptions.DefaultWipeTool;
        services.AddSingleton(plannerOptions);
        services.AddSingleton(sp => new RulePlanner(sp.GetRequiredService<PlannerOptions>()));

        var llm = section.GetSection("Llm");
        var endpointText = llm["Endpoint"];
        if (string.IsNullOrWhiteSpace(endpointText))
        {
            services.AddSingleton<IPlanner>(sp => sp.GetRequiredService<RulePlanner>());
            return services;
        }
        var model = llm["Model"];
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new InvalidOperationException($"{llm.Path}:Endpoint is set ({endpointText}) but {llm.Path}:Model is not: name the model the endpoint serves, or remove the endpoint to plan with rules.");
        }
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{llm.Path}:Endpoint must be an absolute http(s) URL such as http://127.0.0.1:8000/v1; got '{endpointText}'.");
        }
        var chatOptions = new OpenAiChatClientOptions { Endpoint = endpoint, Model = model };
        chatOptions.ApiKey = llm["ApiKey"] is { Length: > 0 } key ? key : chatOptions.ApiKey;
        chatOptions.MaxRetries = Int(llm, nameof(OpenAiChatClientOptions.MaxRetries)) ?? chatOptions.MaxRetries;
        chatOptions.NetworkTimeout = Duration(llm, nameof(OpenAiChatClientOptions.NetworkTimeout)) ?? chatOptions.NetworkTimeout;
        var llmOptions = new LlmPlannerOptions { Model = model };
        llmOptions.MaxOutputTokens = Int(llm, nameof(LlmPlannerOptions.MaxOutputTokens)) ?? llmOptions.MaxOutputTokens;
        llmOptions.Timeout = Duration(llm, nameof(LlmPlannerOptions.Timeout)) ?? llmOptions.Timeout;

        services.AddSingleton(llmOptions);
        services.AddChatClient(_ => chatOptions.CreateChatClient())
            .UseLogging()
            .UseOpenTelemetry(sourceName: LlmPlanner.TelemetrySourceName);
        services.AddSingleton<IPlanner>(sp => new LlmPlanner(
            sp.GetRequiredService<IChatClient>(),
            sp.GetRequiredService<RulePlanner>(),
            sp.GetRequiredService<LlmPlannerOptions>(),
            sp.GetService<ILogger<LlmPlanner>>()));
        return services;
    }

    private static int? Int(IConfigurationSection section, string key)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new InvalidOperationException($"{section.Path}:{key} must be a non-negative whole number; got '{text}'.");
    }

    /// <summary>Seconds ("30", "2.5") or a time span ("00:00:30").</summary>
    private static TimeSpan? Duration(IConfigurationSection section, string key)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new InvalidOperationException($"{section.Path}:{key} must be seconds (\"30\") or a time span (\"00:00:30\"); got '{text}'.");
    }
}
