using System.Collections.Concurrent;
using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>
/// The live robot links of this node, one per robot: a robot that connects to this node again replaces its older
/// link here. (A robot that moves to another node is switched over by its grain, which sends commands down the link
/// of its latest registration or heartbeat.)
/// </summary>
internal sealed class RobotSessions
{
    private readonly ConcurrentDictionary<RobotId, RobotSession> _sessions = new();

    /// <summary>Makes <paramref name="session"/> the robot's link on this node, ending the one it replaces.</summary>
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

    /// <summary>Forgets <paramref name="session"/> if it is still the robot's link here; true when it was.</summary>
    public bool Detach(RobotSession session) => _sessions.TryRemove(new KeyValuePair<RobotId, RobotSession>(session.Robot, session));
}
