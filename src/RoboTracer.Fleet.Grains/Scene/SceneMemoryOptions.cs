namespace RoboTracer.Fleet.Grains.Scene;

/// <summary>How scene memory judges observations.</summary>
public sealed record SceneMemoryOptions
{
    /// <summary>Detections below this confidence are kept but never trigger a trace replacement.</summary>
    public double MinConfidence { get; init; } = 0.3;
}
