using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.Grains.Tracing;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>The answer to a trace request, which a task grain's background call sends back to the grain.</summary>
/// <param name="StepIndex">The step.</param>
/// <param name="Trace">The requested trace's id.</param>
/// <param name="Points">The trace, when the pool answered.</param>
/// <param name="Error">Why not, when it failed.</param>
/// <param name="AskedWith">The query as finally sent (with the frame it waited for), when it differs from the one started.</param>
public sealed record TraceOutcome(int StepIndex, TraceId Trace, SpatialTrace? Points, string? Error, TraceQuery? AskedWith = null);
