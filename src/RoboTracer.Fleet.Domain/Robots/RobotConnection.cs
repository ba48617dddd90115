namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>Whether the orchestrator hears from a robot.</summary>
public enum RobotConnection
{
    /// <summary>Not connected: never registered, disconnected, or no heartbeat within the timeout.</summary>
    Offline,
    /// <summary>Registered and heartbeating.</summary>
    Online,
}
