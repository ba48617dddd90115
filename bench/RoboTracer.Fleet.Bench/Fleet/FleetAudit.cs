using System.Text;
using System.Text.Json;
using RoboTracer.Fleet.Bench.Harness;
using RoboTracer.Fleet.EventStore;

namespace RoboTracer.Fleet.Bench.Fleet;

/// <summary>
/// Lost events: everything the robots were told or had acknowledged must be in the store. Per robot (one task
/// each): every ExecuteTrace it received has the task's <c>TraceAssigned</c> for that trace id; every step update it
/// wrote is the robot's <c>RobotStepReported</c> for that trace (the robots report only on the current trace, so
/// each is recorded); every SUCCEEDED has the task's <c>StepVerificationStarted</c> and <c>StepSucceeded</c>; the
/// task has its <c>TaskCompleted</c>; every observation is a <c>SceneObservationMerged</c> of the robot's scene.
/// Lost = expected − found, per item, never negative. Read after every robot's link has ended, when the server
/// has handled each message the robots wrote, from <c>head</c> (before the robots connected); events recorded
/// counts those after <c>windowStart</c> (the tasks' submission). Also gives the per-step breakdown between steps,
/// on the orchestrator's clock: <c>decide</c> = the robot's SUCCEEDED reached the link (the report's
/// <c>receivedAt</c>) → the task's <c>StepSucceeded</c> committed (robot grain, the observation after it merged,
/// verification, and the one append of success and the next trace request); <c>trace</c> = that commit → the next
/// <c>TraceAssigned</c> committed (the pool call, then the write-ahead append before dispatch).
/// </summary>
internal static class FleetAudit
{
    /// <summary>What the audit found.</summary>
    /// <param name="Expected">Items checked.</param>
    /// <param name="Lost">Items missing from the store.</param>
    /// <param name="LostByKind">Missing items by the event that should have held them.</param>
    /// <param name="EventsInWindow">Events recorded from the tasks' submission on.</param>
    /// <param name="DecideP99Ms">The breakdown's <c>decide</c> phase, p99.</param>
    /// <param name="TraceP99Ms">The breakdown's <c>trace</c> phase, p99.</param>
    /// <param name="WorkerMsByTrace">Each assigned trace's time in the pool worker (queue and model), as its TraceAssigned recorded it.</param>
    public sealed record Result(
        long Expected, long Lost, IReadOnlyDictionary<string, long> LostByKind, long EventsInWindow, double DecideP99Ms, double TraceP99Ms,
        IReadOnlyDictionary<string, double> WorkerMsByTrace);

    public static async Task<Result> RunAsync(IEventStore store, long head, long windowStart, IReadOnlyList<BenchRobot> robots, IReadOnlyList<string> taskIds, CancellationToken cancellationToken)
    {
        var streams = new Dictionary<string, List<(string Type, string Data, DateTimeOffset At)>>(StringComparer.Ordinal);
        long events = 0;
        await foreach (var e in store.ReadAllAsync(head, cancellationToken))
        {
            if (e.Position > windowStart)
            {
                events++;
            }
            if (!streams.TryGetValue(e.StreamId, out var list))
            {
                streams[e.StreamId] = list = [];
            }
            list.Add((e.EventType, Encoding.UTF8.GetString(e.Data.Span), e.RecordedAt));
        }

        long expected = 0;
        long lost = 0;
        var lostByKind = new Dictionary<string, long>(StringComparer.Ordinal);
        void Check(string kind, int wanted, int found)
        {
            expected += wanted;
            var missing = Math.Max(0, wanted - found);
            lost += missing;
            if (missing > 0)
            {
                lostByKind[kind] = lostByKind.GetValueOrDefault(kind) + missing;
            }
        }
        var decide = new List<long>();
        var trace = new List<long>();
        var workerMs = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < robots.Count; i++)
        {
            var robot = robots[i];
            var task = streams.GetValueOrDefault("task-" + taskIds[i]) ?? [];
            var robotStream = streams.GetValueOrDefault("robot-" + robot.Id) ?? [];
            var scene = streams.GetValueOrDefault("scene-table-" + robot.Id) ?? [];
            foreach (var (_, traceId) in robot.Traces)
            {
                Check("TraceAssigned", 1, task.Count(e => e.Type == "TraceAssigned" && e.Data.Contains(traceId, StringComparison.Ordinal)));
            }
            foreach (var (traceId, updates) in robot.UpdatesByTrace)
            {
                Check("RobotStepReported", updates, robotStream.Count(e => e.Type == "RobotStepReported" && e.Data.Contains(traceId, StringComparison.Ordinal)));
            }
            Check("StepVerificationStarted", robot.StepsSucceeded, task.Count(e => e.Type == "StepVerificationStarted"));
            Check("StepSucceeded", robot.StepsSucceeded, task.Count(e => e.Type == "StepSucceeded"));
            Check("TaskCompleted", 1, task.Count(e => e.Type == "TaskCompleted"));
            Check("SceneObservationMerged", robot.Observations, scene.Count(e => e.Type == "SceneObservationMerged"));

            // Between steps: the n-th SUCCEEDED the robot sent is the n-th step the task saw succeed.
            var arrivals = robotStream
                .Where(e => e.Type == "RobotStepReported" && e.Data.Contains("\"Succeeded\"", StringComparison.Ordinal))
                .Select(e => SucceededArrival(e.Data))
                .ToList();
            var successes = task.Where(e => e.Type == "StepSucceeded").Select(e => e.At).ToList();
            for (var k = 0; k < Math.Min(arrivals.Count, successes.Count); k++)
            {
                decide.Add((successes[k] - arrivals[k]).Ticks);
            }
            DateTimeOffset? succeeded = null;
            foreach (var (type, data, at) in task)
            {
                if (type == "StepSucceeded")
                {
                    succeeded = at;
                }
                else if (type == "TraceAssigned")
                {
                    var (id, ms) = WorkerTime(data);
                    workerMs[id] = ms;
                    if (succeeded is { } s)
                    {
                        trace.Add((at - s).Ticks);
                        succeeded = null;
                    }
                }
            }
        }
        return new Result(expected, lost, lostByKind, events, P99(decide), P99(trace), workerMs);
    }

    private static DateTimeOffset SucceededArrival(string data)
    {
        using var json = JsonDocument.Parse(data);
        return json.RootElement.GetProperty("update").GetProperty("receivedAt").GetDateTimeOffset();
    }

    private static (string Trace, double Ms) WorkerTime(string data)
    {
        using var json = JsonDocument.Parse(data);
        var ms = json.RootElement.GetProperty("points").TryGetProperty("workerMs", out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
        return (json.RootElement.GetProperty("trace").GetString()!, ms);
    }

    private static double P99(List<long> ticks) => ticks.Count == 0 ? 0 : TimeSpan.FromTicks(Stats.Percentile([.. ticks.Order()], 99)).TotalMilliseconds;
}
