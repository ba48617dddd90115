using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RoboTracer.Fleet.Grains;

namespace RoboTracer.Fleet.Bench.Fleet;

/// <summary>
/// The hops the bench cannot see from outside, as the orchestrator's own instruments (<see cref="FleetMetrics"/>)
/// measure them: each durable append by grain kind, and the step overhead from the report at the link to the next
/// trace taken by the robot. Lives in the orchestrator process under test (<see cref="FleetOrchestratorCommand"/>),
/// which answers <c>POST /bench/grain-metrics</c> with the values since the last such call.
/// </summary>
internal sealed class GrainMetricsProbe : IDisposable
{
    public const string Route = "/bench/grain-metrics";

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private Dictionary<string, List<double>> _values = [];

    public GrainMetricsProbe()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FleetMetrics.MeterName && instrument.Name is "fleet.events.append.duration" or "fleet.task.step.overhead")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var key = instrument.Name == "fleet.task.step.overhead" ? "overhead" : "append_" + GrainOf(tags);
            lock (_lock)
            {
                if (!_values.TryGetValue(key, out var list))
                {
                    _values[key] = list = [];
                }
                list.Add(value);
            }
        });
        _listener.Start();
    }

    /// <summary>Answers <see cref="Route"/> with every value since the last call, in ms, by hop.</summary>
    public void Map(WebApplication app) => app.MapPost(Route, () =>
    {
        Dictionary<string, List<double>> taken;
        lock (_lock)
        {
            (taken, _values) = (_values, []);
        }
        return Results.Json(taken);
    });

    /// <summary>Asks every orchestrator for its values since the last call and merges them by hop.</summary>
    public static async Task<Dictionary<string, double[]>> TakeAsync(IEnumerable<HttpClient> orchestrators, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<string, List<double>>();
        foreach (var http in orchestrators)
        {
            using var response = await http.PostAsync(Route, content: null, cancellationToken);
            response.EnsureSuccessStatusCode();
            var values = await response.Content.ReadFromJsonAsync<Dictionary<string, List<double>>>(cancellationToken) ?? [];
            foreach (var (hop, list) in values)
            {
                if (!merged.TryGetValue(hop, out var all))
                {
                    merged[hop] = all = [];
                }
                all.AddRange(list);
            }
        }
        return merged.ToDictionary(p => p.Key, p => p.Value.Order().ToArray());
    }

    public void Dispose() => _listener.Dispose();

    private static string GrainOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "fleet.grain")
            {
                return tag.Value as string ?? "unknown";
            }
        }
        return "unknown";
    }
}
