using System.Diagnostics.Metrics;

namespace RoboTracer.Fleet.Inference.Batching;

/// <summary>
/// The worker's OpenTelemetry instruments (meter <see cref="MeterName"/>): queue length, batch sizes, and
/// latency per backend. Exported by whatever listens to the meter (ServiceDefaults' OTLP exporter).
/// </summary>
public sealed class InferenceMetrics : IDisposable
{
    /// <summary>The meter's name, for exporters to subscribe to.</summary>
    public const string MeterName = "RoboTracer.Fleet.Inference";

    private readonly Meter _meter;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _rejected;

    /// <summary>Creates the instruments on <paramref name="meterFactory"/> (or a standalone meter when null).</summary>
    public InferenceMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _batchSize = _meter.CreateHistogram<int>("fleet.inference.batch.size", "{request}", "Requests per backend call.");
        _batchDuration = _meter.CreateHistogram<double>("fleet.inference.batch.duration", "ms", "Time a backend took for one batch.");
        _requestDuration = _meter.CreateHistogram<double>("fleet.inference.request.duration", "ms", "Queue wait plus inference per request.");
        _rejected = _meter.CreateCounter<long>("fleet.inference.rejected", "{request}", "Requests refused because the queue was full.");
    }

    /// <summary>Publishes the queue length of <paramref name="backend"/> as an observable gauge.</summary>
    public void ObserveQueue(string backend, Func<int> waiting) =>
        _meter.CreateObservableGauge("fleet.inference.queue.length", () => new Measurement<int>(waiting(), new KeyValuePair<string, object?>("backend", backend)), "{request}", "Requests waiting for a backend.");

    internal void BatchCompleted(string backend, int size, double milliseconds)
    {
        var tag = new KeyValuePair<string, object?>("backend", backend);
        _batchSize.Record(size, tag);
        _batchDuration.Record(milliseconds, tag);
    }

    internal void RequestCompleted(string backend, double milliseconds, string outcome) =>
        _requestDuration.Record(milliseconds, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("outcome", outcome));

    internal void Rejected(string backend) => _rejected.Add(1, new KeyValuePair<string, object?>("backend", backend));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
