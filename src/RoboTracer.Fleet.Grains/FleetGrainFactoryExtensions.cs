using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tasks;

namespace RoboTracer.Fleet.Grains;

/// <summary>Typed ways to reach the fleet's grains.</summary>
/// <remarks>
/// Measured (bench fleet, 1000 robots, perf): <c>GetGrain&lt;T&gt;(string)</c> of Orleans 10.4.2 looks the interface's
/// attributes up again on every call, 8% of the silo's CPU at the robot link's rate of calls. The interface and grain
/// types never change, so each is resolved once (<see cref="Reference{T}"/>) and a reference is then made from a
/// grain id alone.
/// </remarks>
public static class FleetGrainFactoryExtensions
{
    /// <summary>The robot's grain.</summary>
    public static IRobotGrain GetRobot(this IGrainFactory grains, RobotId robot) => Reference<IRobotGrain>.Get(grains, robot.Value);

    /// <summary>The task's grain.</summary>
    public static ITaskGrain GetTask(this IGrainFactory grains, TaskId task) => Reference<ITaskGrain>.Get(grains, task.Value);

    /// <summary>The scene's memory.</summary>
    public static ISceneMemoryGrain GetScene(this IGrainFactory grains, SceneId scene) => Reference<ISceneMemoryGrain>.Get(grains, scene.Value);

    /// <summary>The task index.</summary>
    public static ITaskIndexGrain GetTaskIndex(this IGrainFactory grains) => Reference<ITaskIndexGrain>.Get(grains, TaskIndexGrain.Key);

    /// <summary>The robot directory.</summary>
    public static IRobotDirectoryGrain GetRobotDirectory(this IGrainFactory grains) => Reference<IRobotDirectoryGrain>.Get(grains, RobotDirectoryGrain.Key);

    /// <summary>References to grains of interface <typeparamref name="T"/>, its Orleans types resolved by the first.</summary>
    private static class Reference<T> where T : IGrainWithStringKey
    {
        private static (GrainType Grain, GrainInterfaceType Interface)? _types;

        public static T Get(IGrainFactory grains, string key)
        {
            ArgumentNullException.ThrowIfNull(grains);
            if (_types is not { } types)
            {
                var first = grains.GetGrain<T>(key);
                _types = (first.GetGrainId().Type, ((GrainReference)(object)first).InterfaceType);
                return first;
            }
            return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
        }
    }
}
