using System.Collections.Concurrent;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Orchestrator.Telemetry;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>
/// The live robot links of this node, one per robot, and the robot grains' <see cref="IRobotCommandChannel"/>:
/// a command goes down the robot's current stream or fails with <see cref="RobotLinkClosedException"/>.
/// </summary>
internal sealed class RobotSessions(TaskTelemetry telemetry) : IRobotCommandChannel
{
    private readonly ConcurrentDictionary<RobotId, RobotSession> _sessions = new();

    public int Count => _sessions.Count;

    /// <summary>Makes <paramref name="session"/> the robot's link, ending the one it replaces.</summary>
    public void Attach(RobotSession session)
    {
        RobotSession? previous = null;
        _sessions.AddOrUpdate(session.Robot, session, (_, old) =>
        {
            previous = old;
            return session;
        });
        previous?.Replace();
    }

    /// <summary>Forgets <paramref name="session"/> if it is still the robot's link; true when it was.</summary>
    public bool Detach(RobotSession session) => _sessions.TryRemove(new KeyValuePair<RobotId, RobotSession>(session.Robot, session));

    public Task ExecuteTraceAsync(ExecuteTraceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var message = LinkMapping.ToWire(command);
        message.ExecuteTrace.Traceparent = telemetry.RobotStepDispatched(command) ?? string.Empty;
        return Current(command.Robot).SendAsync(message, cancellationToken);
    }

    public Task CancelStepAsync(CancelStepCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Current(command.Robot).SendAsync(LinkMapping.ToWire(command), cancellationToken);
    }

    private RobotSession Current(RobotId robot) =>
        _sessions.TryGetValue(robot, out var session) ? session : throw new RobotLinkClosedException(robot);
}
