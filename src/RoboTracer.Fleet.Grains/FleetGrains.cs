using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;
using Orleans.Serialization.Configuration;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains;

/// <summary>Composition of the fleet's grains on an Orleans silo, and what a starting silo does.</summary>
public static class FleetGrains
{
    /// <summary>
    /// Registers what the fleet's grains need on the silo: the log-consistency provider over the event store, the event
    /// serializer, options, and the serialization of the fleet's types (<see cref="AddFleetSerialization"/>). The host
    /// registers the outside world: <see cref="EventStore.IEventStore"/>, <see cref="Domain.Planning.IPlanner"/>,
    /// <see cref="Tracing.ISpatialTracer"/>, and a reminder service. Robots bring their own links (<see cref="IRobotLink"/>).
    /// </summary>
    public static ISiloBuilder AddFleetGrains(this ISiloBuilder silo, RobotOptions? robots = null, TaskOptions? tasks = null, Scene.SceneMemoryOptions? scene = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddCustomStorageBasedLogConsistencyProvider(EventSourcedGrain<object, object>.ProviderName);
        silo.Services.TryAddSingleton(FleetEvents.CreateSerializer());
        silo.Services.TryAddSingleton(robots ?? new RobotOptions());
        tasks ??= new TaskOptions();
        silo.Services.TryAddSingleton(tasks);
        // Orleans refuses reminders more frequent than a minute by default; a task's resume reminder may be.
        silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(o.MinimumReminderPeriod.Ticks, tasks.ResumePeriod.Ticks)));
        silo.Services.TryAddSingleton(scene ?? new Scene.SceneMemoryOptions());
        silo.Services.AddOptions<EventSourcingOptions>();
        silo.Services.TryAddSingleton(sp => new FleetMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        silo.Services.AddFleetSerialization();
        return silo;
    }

    /// <summary>
    /// How Orleans carries the fleet's types between silos and clients, for silos and clients alike. Domain types
    /// carry no Orleans attributes (DESIGN.md §3): they travel as JSON, with the converters of the stored contract,
    /// and are passed by reference within a silo (<see cref="ImmutableFleetValues"/>). The fleet's exceptions travel
    /// with their type and message, so callers can catch them.
    /// </summary>
    public static IServiceCollection AddFleetSerialization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSerializer(serializer =>
        {
            serializer.Services.AddSingleton<Orleans.Serialization.Cloning.IGeneralizedCopier, ImmutableFleetValues>();
            serializer.AddJsonSerializer(isSupported: ImmutableFleetValues.IsFleetValue, jsonSerializerOptions: JsonOptions);
        });
        services.Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("RoboTracer.Fleet"));
        services.Configure<TypeManifestOptions>(options =>
        {
            foreach (var assembly in FleetAssemblies)
            {
                options.AddAllowedAssembly(assembly);
            }
        });
        return services;
    }

    /// <summary>
    /// What a node does when it starts on an existing store: activate every known robot (so that one that does not
    /// come back is noticed), then resume every unfinished task from its events. Returns the resumed tasks.
    /// </summary>
    public static async Task<IReadOnlyList<TaskStatusView>> RecoverAsync(this IGrainFactory grains, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        foreach (var robot in await grains.GetRobotDirectory().GetRobotsAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await grains.GetRobot(robot).GetStatusAsync();
        }
        var index = grains.GetTaskIndex();
        var resumed = new List<TaskStatusView>();
        foreach (var task in await index.GetUnfinishedAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                resumed.Add(await grains.GetTask(task).EnsureRunningAsync());
            }
            catch (UnknownTaskException)
            {
                // Indexed, but the node stopped before the task's first event: the submission never completed.
                await index.MarkFinishedAsync(task, TaskPhase.Failed);
            }
        }
        return resumed;
    }

    private static readonly System.Reflection.Assembly[] FleetAssemblies =
    [
        typeof(Domain.Ids.TaskId).Assembly,
        typeof(EventStore.IEventStore).Assembly,
        typeof(FleetEvents).Assembly,
        typeof(FleetGrains).Assembly,
    ];

    private static JsonSerializerOptions JsonOptions { get; } = FleetJson.CreateOptions();
}
