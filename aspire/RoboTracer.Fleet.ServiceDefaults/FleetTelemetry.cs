using System.Diagnostics;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// The fleet's own telemetry names. The source or meter named <see cref="ActivitySourceName"/> and every one named
/// below it (<c>RoboTracer.Fleet.Grains</c>, <c>RoboTracer.Fleet.Inference</c>) is exported by
/// <see cref="Extensions.AddServiceDefaults{TBuilder}"/>, so a component may use a more specific name without
/// registering it anywhere.
/// </summary>
public static class FleetTelemetry
{
    /// <summary>The root name of the fleet's activity sources.</summary>
    public const string ActivitySourceName = "RoboTracer.Fleet";

    /// <summary>The root name of the fleet's meters (the same as <see cref="ActivitySourceName"/>).</summary>
    public const string MeterName = ActivitySourceName;

    /// <summary>The wildcard for every source or meter below the root name (the root itself is matched by name).</summary>
    public const string ChildNamePattern = ActivitySourceName + ".*";

    /// <summary>A shared source for spans that need no source of their own (task steps, trace requests).</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName);
}
