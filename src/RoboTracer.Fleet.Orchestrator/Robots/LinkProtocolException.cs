namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>A robot sent a message the link cannot accept; the robot is told why with INVALID_ARGUMENT.</summary>
internal sealed class LinkProtocolException(string message) : Exception(message);
