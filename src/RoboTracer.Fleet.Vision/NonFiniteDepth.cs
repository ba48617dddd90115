namespace RoboTracer.Fleet.Vision;

/// <summary>What a 32FC1 depth decoder does with NaN, infinite and negative samples.</summary>
public enum NonFiniteDepth
{
    /// <summary>Treat them as "no measurement" (stored as 0), the 32FC1 convention of the wire protocol.</summary>
    Missing,

    /// <summary>Throw, naming the first offending pixel: for callers whose sensors never produce them.</summary>
    Reject,
}
