using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Serialization;

/// <summary>The event store streams the fleet's grains write.</summary>
public static class FleetStreams
{
    /// <summary>The task index: which tasks exist and which are finished.</summary>
    public const string TaskIndex = "fleet-task-index";

    /// <summary>The robot directory: which robots ever registered.</summary>
    public const string RobotDirectory = "fleet-robot-index";

    /// <summary>The prefix of task streams (for retention and replay).</summary>
    public const string TaskPrefix = "task-";

    /// <summary>A task's stream.</summary>
    public static string Task(TaskId task) => TaskPrefix + task.Value;

    /// <summary>A robot's stream.</summary>
    public static string Robot(RobotId robot) => "robot-" + robot.Value;

    /// <summary>A scene's stream.</summary>
    public static string Scene(SceneId scene) => "scene-" + scene.Value;
}
