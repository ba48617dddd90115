using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Runtime;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Serialization;
using RoboTracer.Fleet.Grains.Tasks;

namespace RoboTracer.Fleet.Grains;

/// <summary>Composition of the fleet's grains on a <see cref="GrainRuntime"/>, and what a starting node does.</summary>
public static class FleetGrains
{
    /// <summary>Registers the robot, robot directory, scene memory, task and task index grains.</summary>
    public static GrainRuntime AddFleetGrains(this GrainRuntime runtime, FleetGrainServices services)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(services);
        var serializer = FleetEvents.CreateSerializer();
        var store = services.Store;
        return runtime
            .AddGrain<IRobotGrain, RobotGrain>(() => new RobotGrain(store, serializer, services.RobotChannel, services.Robots))
            .AddGrain<IRobotDirectoryGrain, RobotDirectoryGrain>(() => new RobotDirectoryGrain(store, serializer))
            .AddGrain<ISceneMemoryGrain, SceneMemoryGrain>(() => new SceneMemoryGrain(store, serializer, services.Scene))
            .AddGrain<ITaskGrain, TaskGrain>(() => new TaskGrain(store, serializer, services.Planner, services.Tracer, services.Tasks))
            .AddGrain<ITaskIndexGrain, TaskIndexGrain>(() => new TaskIndexGrain(store, serializer));
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
}
