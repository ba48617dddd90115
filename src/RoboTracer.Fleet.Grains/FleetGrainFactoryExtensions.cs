using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tasks;

namespace RoboTracer.Fleet.Grains;

/// <summary>Typed ways to reach the fleet's grains.</summary>
public static class FleetGrainFactoryExtensions
{
    /// <summary>The robot's grain.</summary>
    public static IRobotGrain GetRobot(this IGrainFactory grains, RobotId robot) => Checked(grains).GetGrain<IRobotGrain>(robot.Value);

    /// <summary>The task's grain.</summary>
    public static ITaskGrain GetTask(this IGrainFactory grains, TaskId task) => Checked(grains).GetGrain<ITaskGrain>(task.Value);

    /// <summary>The scene's memory.</summary>
    public static ISceneMemoryGrain GetScene(this IGrainFactory grains, SceneId scene) => Checked(grains).GetGrain<ISceneMemoryGrain>(scene.Value);

    /// <summary>The task index.</summary>
    public static ITaskIndexGrain GetTaskIndex(this IGrainFactory grains) => Checked(grains).GetGrain<ITaskIndexGrain>(TaskIndexGrain.Key);

    /// <summary>The robot directory.</summary>
    public static IRobotDirectoryGrain GetRobotDirectory(this IGrainFactory grains) => Checked(grains).GetGrain<IRobotDirectoryGrain>(RobotDirectoryGrain.Key);

    private static IGrainFactory Checked(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains;
    }
}
