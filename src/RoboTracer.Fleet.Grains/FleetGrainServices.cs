using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tasks;
using RoboTracer.Fleet.Grains.Tracing;

namespace RoboTracer.Fleet.Grains;

/// <summary>What the fleet's grains need from the outside world, and their options.</summary>
public sealed record FleetGrainServices
{
    /// <summary>Where every grain's events go.</summary>
    public required IEventStore Store { get; init; }

    /// <summary>Decomposes instructions into steps.</summary>
    public required IPlanner Planner { get; init; }

    /// <summary>The inference pool.</summary>
    public required ISpatialTracer Tracer { get; init; }

    /// <summary>How commands reach robots.</summary>
    public required IRobotCommandChannel RobotChannel { get; init; }

    /// <summary>Robot options.</summary>
    public RobotOptions Robots { get; init; } = new();

    /// <summary>Task options.</summary>
    public TaskOptions Tasks { get; init; } = new();

    /// <summary>Scene memory options.</summary>
    public SceneMemoryOptions Scene { get; init; } = new();
}
