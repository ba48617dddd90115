using System.Diagnostics;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Simulator.Faults;
using Point3D = RoboTracer.Fleet.Domain.Geometry.Point3D;

namespace RoboTracer.Fleet.Simulator.Robots;

/// <summary>
/// One trace being followed. The robot's lock guards its mutable state; <see cref="Stop"/> cancels its timers.
/// Whoever takes a run off the robot (cancel, replacement, link loss) reports its end; the run itself only
/// reports while it is still the robot's current run.
/// </summary>
internal sealed class StepRun(string robot, ExecuteTrace command, string objectId, TracePath path, StepPlan plan, double speedMetresPerSecond)
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Activity? _activity = RobotTelemetry.StartExecution(robot, command);
    private int _stopped;
    private double _target;
    private DateTimeOffset _segmentStart;

    public string TaskId { get; } = command.TaskId;

    public string StepId { get; } = command.StepId;

    public string TraceId { get; } = command.TraceId;

    public string ObjectId { get; } = objectId;

    public TracePath Path { get; } = path;

    public StepPlan Plan { get; } = plan;

    public double Speed { get; } = speedMetresPerSecond;

    /// <summary>Accumulated slips of the held object (world frame): it is carried with this offset from the path.</summary>
    public Point3D WorldOffset { get; set; }

    /// <summary>Fraction of the path reached at the last event.</summary>
    public double At { get; private set; }

    public bool Stalled { get; private set; }

    public CancellationToken Token => _stop.Token;

    /// <summary>Time to travel from fraction <see cref="At"/> to <paramref name="target"/>.</summary>
    public TimeSpan DurationTo(double target) =>
        Path.Length <= 0 || target <= At
            ? TimeSpan.Zero
            // To the tick: TimeSpan.FromSeconds(double) would round to whole milliseconds, and progress is reported from time.
            : TimeSpan.FromTicks((long)Math.Round((target - At) * Path.Length / Speed * TimeSpan.TicksPerSecond));

    public void BeginSegment(double target, DateTimeOffset now)
    {
        _target = target;
        _segmentStart = now;
    }

    public void Arrive(double fraction)
    {
        At = fraction;
        _target = fraction;
    }

    public void Stall()
    {
        Stalled = true;
        _target = At;
    }

    /// <summary>Where the arm is at <paramref name="now"/>: interpolated within the segment under way.</summary>
    public double ProgressAt(DateTimeOffset now)
    {
        if (Stalled || _target <= At || Path.Length <= 0)
        {
            return At;
        }
        var travelled = (now - _segmentStart).TotalSeconds * Speed / Path.Length;
        return Math.Clamp(At + travelled, At, _target);
    }

    /// <summary>Records how the run ended on its span (call before <see cref="Stop"/>).</summary>
    public void RecordOutcome(StepState state, string detail)
    {
        _activity?.SetTag("robotracer.outcome", state.ToString());
        if (state == StepState.Failed)
        {
            _activity?.SetStatus(ActivityStatusCode.Error, detail);
        }
    }

    /// <summary>Cancels the run's timers and ends its span. Safe to call again.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _stop.Cancel();
            _activity?.Dispose();
        }
    }
}
