using System.Reflection;
using OpenTelemetry;
using RoboTracer.Fleet.Grains.Robots;

namespace RoboTracer.Fleet.Orchestrator.Hosting;

/// <summary>
/// Grain calls that are not traced, on the calling side and on the called side, with whatever they call in turn:
/// a robot's heartbeat. A robot sends one every second (<c>Fleet:HeartbeatInterval</c>) for as long as its link
/// lives, and the link's handler runs under the span of the RobotLink call, which lasts as long: traced, each
/// heartbeat added two spans (caller and grain) to one never-ending trace per robot, 8 spans a second for 4 robots,
/// enough to crowd the tasks' traces out of a trace viewer's memory. Like the health probes, not traced.
/// </summary>
/// <remarks>
/// Registered before Orleans' activity propagation, so its filters start no span inside the suppression scope. The
/// called side needs its own scope: the scope does not cross a grain call, and a call that brings no trace context
/// would start a trace of its own there.
/// </remarks>
internal sealed class UntracedGrainCalls : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private static readonly MethodInfo[] Untraced = [typeof(IRobotGrain).GetMethod(nameof(IRobotGrain.HeartbeatAsync))!];

    public Task Invoke(IIncomingGrainCallContext context) => InvokeAsync(context);

    public Task Invoke(IOutgoingGrainCallContext context) => InvokeAsync(context);

    private static async Task InvokeAsync(IGrainCallContext context)
    {
        if (Array.IndexOf(Untraced, context.InterfaceMethod) < 0)
        {
            await context.Invoke();
            return;
        }
        using (SuppressInstrumentationScope.Begin())
        {
            await context.Invoke();
        }
    }
}
