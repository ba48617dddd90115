namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>A change in the scene that invalidates a trace being executed.</summary>
public enum SceneChangeKind
{
    /// <summary>The object the step moves is no longer where the trace starts (and not being carried along it).</summary>
    ObjectMoved,
    /// <summary>A new or moved object now lies in the trace's swept corridor.</summary>
    ObstacleInCorridor,
    /// <summary>The object the destination is relative to moved.</summary>
    DestinationMoved,
}
