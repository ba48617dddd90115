using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>What a planner plans from.</summary>
/// <param name="Instruction">The user's long-horizon instruction.</param>
/// <param name="Scene">What the robot sees, when known; lets a planner resolve "it" and check objects exist.</param>
/// <param name="Robots">Capabilities of the robots that may execute the plan; a plan needs actions one of them has.</param>
public sealed record PlanningRequest(string Instruction, SceneSnapshot? Scene, IReadOnlyList<RobotCapabilities> Robots);
