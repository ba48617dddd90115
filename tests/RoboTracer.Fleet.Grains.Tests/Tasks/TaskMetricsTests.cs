using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RoboTracer.Fleet.Grains.Tests.Support;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Tests.Tasks;

/// <summary>What a task run shows in the fleet's metrics (<see cref="FleetMetrics"/>): events, appends and the step path.</summary>
public sealed class TaskMetricsTests : IAsyncLifetime
{
    private const string FiveSteps =
        "pick up the red cup and place it in the sink then wipe the table then push the box then open the drawer then close the drawer";
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _recorded = new();
    private readonly MeterListener _listener = new();
    private FleetHarness _fleet = null!;

    public async Task InitializeAsync()
    {
        _fleet = await FleetHarness.StartAsync();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _fleet.Metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _fleet.DisposeAsync();
    }

    [Fact]
    public async Task A_five_step_task_records_its_events_appends_step_durations_and_the_overhead_between_steps()
    {
        await _fleet.RegisterRobotAsync("r1");

        var (task, _) = await _fleet.SubmitAsync(FiveSteps);
        await _fleet.Events.WaitForAsync(FleetStreams.Task(task), "TaskCompleted");
        // A call after the last append: the grain's turns run one at a time, so that append has been measured.
        await _fleet.Task(task).GetStatusAsync();

        var taskEvents = _fleet.Events.Types(FleetStreams.Task(task)).Count;
        Assert.Equal(taskEvents, Sum("fleet.events.appended", "fleet.grain", "task"));
        Assert.Equal(Count("fleet.events.appended", "fleet.grain", "task"), Count("fleet.events.append.duration", "fleet.grain", "task"));
        Assert.Contains(_recorded, m => m.Instrument == "fleet.events.appended" && Equals(m.Tags["fleet.grain"], "robot"));
        Assert.Equal(5, Count("fleet.task.step.duration", "fleet.step.outcome", "succeeded"));
        // Steps 1 to 4 each follow a reported step; step 0 follows none.
        Assert.Equal(4, _recorded.Count(m => m.Instrument == "fleet.task.step.overhead"));
        Assert.All(_recorded, m => Assert.True(m.Value >= 0, $"{m.Instrument} recorded {m.Value}"));
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }
        _recorded.Enqueue((instrument.Name, value, copy));
    }

    private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Where(string instrument, string tag, string value) =>
        _recorded.Where(m => m.Instrument == instrument && m.Tags.TryGetValue(tag, out var v) && Equals(v, value));

    private int Count(string instrument, string tag, string value) => Where(instrument, tag, value).Count();

    private double Sum(string instrument, string tag, string value) => Where(instrument, tag, value).Sum(m => m.Value);
}
