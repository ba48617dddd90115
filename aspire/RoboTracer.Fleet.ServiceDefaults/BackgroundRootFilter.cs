using System.Diagnostics;
using OpenTelemetry;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// Keeps the spans of background sources (<see cref="Extensions.InTraceOnlyActivitySources"/>: Orleans' runtime, Npgsql)
/// inside the traces that something else started, and drops those that would start a trace of their own: the silo's
/// statistics timers, the Orleans Dashboard reporting its counters every second, membership and reminder polling,
/// the event store's live feed would otherwise export several new traces a second, forever, and bury the tasks'
/// traces. A dropped root is not recorded and neither are the calls under it (the default sampler follows the parent,
/// across grains through the propagated trace flags).
/// </summary>
internal sealed class BackgroundRootFilter : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.ParentSpanId == default && Extensions.InTraceOnlyActivitySources.Contains(data.Source.Name))
        {
            // As for the health probes: the SDK's export processors skip an activity that is not recorded.
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            data.IsAllDataRequested = false;
        }
    }
}
