using System.Diagnostics.Metrics;

namespace RoboTracer.Fleet.Grains;

/// <summary>
/// The grains' own instruments, beside Orleans' grain-call meters: the events the fleet records (their rate is the
/// dashboard's "events per second"), how long each durable append took, and the step path of issue 20 — how long a
/// step took from its trace to its outcome, and the overhead between a robot's report of one step and the dispatch of
/// the next. ServiceDefaults exports every <c>RoboTracer.Fleet.*</c> meter over OTLP, so they show in the Aspire
/// dashboard's metrics.
/// </summary>
public sealed class FleetMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "RoboTracer.Fleet.Grains";

    private readonly Meter _meter;
    private readonly Counter<long> _eventsAppended;
    private readonly Histogram<double> _appendDuration;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<double> _stepOverhead;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (the host's), or a meter of its own.</summary>
    public FleetMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _eventsAppended = _meter.CreateCounter<long>("fleet.events.appended", "{event}", "Events appended to the event store, by the kind of grain that raised them.");
        _appendDuration = _meter.CreateHistogram<double>("fleet.events.append.duration", "ms", "One durable append of a grain's events, from the call to the store's commit.");
        _stepDuration = _meter.CreateHistogram<double>("fleet.task.step.duration", "s", "A step's attempt, from its trace's assignment to its outcome.");
        _stepOverhead = _meter.CreateHistogram<double>("fleet.task.step.overhead", "ms", "From a robot's report that a step is done (as its link received it) to the next step's trace going out to the robot.");
    }

    /// <summary>The meter, for tests that listen to this instance only.</summary>
    internal Meter Meter => _meter;

    /// <summary>A grain of kind <paramref name="grain"/> appended <paramref name="events"/> events in <paramref name="took"/>.</summary>
    public void Appended(string grain, int events, TimeSpan took)
    {
        var tag = new KeyValuePair<string, object?>("fleet.grain", grain);
        _eventsAppended.Add(events, tag);
        _appendDuration.Record(took.TotalMilliseconds, tag);
    }

    /// <summary>A step's attempt ended with <paramref name="outcome"/> (succeeded, failed, replaced) <paramref name="took"/> after its trace was assigned.</summary>
    public void StepEnded(string outcome, TimeSpan took) =>
        _stepDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("fleet.step.outcome", outcome));

    /// <summary>The next step's trace went out <paramref name="gap"/> after the robot reported the previous step done.</summary>
    public void StepOverhead(TimeSpan gap) => _stepOverhead.Record(gap.TotalMilliseconds);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
