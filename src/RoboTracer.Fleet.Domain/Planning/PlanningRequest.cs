using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>What a planner plans from.</summary>
/// <param name="Instruction">The user's long-horizon instruction.</param>
/// <param name="Scene">What the robot sees, when known; lets a planner resolve "it" and check objects exist.</param>
/// <param name="Robots">Capabilities of the robots that may execute the plan; a plan needs actions one of them has.</param>
/// <param name="Task">The task being planned, for logs and telemetry; planners must not depend on it.</param>
public sealed record PlanningRequest(string Instruction, SceneSnapshot? Scene, IReadOnlyList<RobotCapabilities> Robots, TaskId? Task = null);
