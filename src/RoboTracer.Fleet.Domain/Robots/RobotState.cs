using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>
/// A robot as its events describe it. It changes only through <see cref="Apply"/>; deciding which events to
/// raise is the robot grain's job.
/// </summary>
public sealed class RobotState
{
    /// <summary>The robot's id, once registered.</summary>
    public RobotId? Id { get; private set; }

    /// <summary>What it declared, or null when it never registered.</summary>
    public RobotCapabilities? Capabilities { get; private set; }

    /// <summary>True once it registered.</summary>
    public bool IsRegistered => Capabilities is not null;

    /// <summary>The scene it works in.</summary>
    public SceneId? Scene { get; private set; }

    /// <summary>Whether it is connected.</summary>
    public RobotConnection Connection { get; private set; }

    /// <summary>When <see cref="Connection"/> last changed.</summary>
    public DateTimeOffset? ConnectionSince { get; private set; }

    /// <summary>Last recorded charge, 0..1.</summary>
    public double? Battery { get; private set; }

    /// <summary>Last recorded pose.</summary>
    public RobotPose? Pose { get; private set; }

    /// <summary>The task that holds the robot, or null when it is free.</summary>
    public TaskId? ReservedBy { get; private set; }

    /// <summary>The trace it is executing, or null when idle.</summary>
    public RobotStepStatus? CurrentStep { get; private set; }

    /// <summary>
    /// The id of the command that sent <see cref="CurrentStep"/>: the version of its <see cref="RobotStepDispatched"/>
    /// event. Sent again under this id, the trace is acknowledged and not run twice by a robot that already has it.
    /// </summary>
    public long CurrentCommandId { get; private set; }

    /// <summary>How many events were applied: the robot stream's version, which numbers its commands.</summary>
    public long Version { get; private set; }

    /// <summary>
    /// The last report it made on a trace it was executing, final ones included: what a task that lost the report
    /// on its way (its silo died) finds out when it resumes.
    /// </summary>
    public RobotStepUpdate? LastReport { get; private set; }

    /// <summary>Applies one event.</summary>
    /// <exception cref="ArgumentException">The event is of a type this state does not know.</exception>
    public void Apply(RobotEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        Version++;
        switch (@event)
        {
            case RobotRegistered e:
                Id = e.Robot;
                Capabilities = e.Capabilities;
                Scene = e.Scene;
                break;
            case RobotWentOnline e:
                Connection = RobotConnection.Online;
                ConnectionSince = e.At;
                break;
            case RobotWentOffline e:
                Connection = RobotConnection.Offline;
                ConnectionSince = e.At;
                break;
            case RobotTelemetryRecorded e:
                Battery = e.Battery ?? Battery;
                Pose = e.Pose ?? Pose;
                break;
            case RobotReserved e:
                ReservedBy = e.Task;
                break;
            case RobotReleased e:
                if (ReservedBy == e.Task)
                {
                    ReservedBy = null;
                }
                if (CurrentStep?.Task == e.Task)
                {
                    CurrentStep = null;
                }
                break;
            case RobotStepDispatched e:
                CurrentStep = new RobotStepStatus(e.Task, e.StepIndex, e.Trace, null, 0, e.At);
                CurrentCommandId = Version;
                break;
            case RobotStepCancelRequested e:
                // The trace is no longer wanted: later reports about it are stale, whatever the robot says.
                if (CurrentStep?.Trace == e.Trace)
                {
                    CurrentStep = null;
                }
                break;
            case RobotStepReported e:
                LastReport = e.Update;
                if (CurrentStep?.Trace == e.Update.Trace)
                {
                    CurrentStep = e.Update.IsFinal ? null : CurrentStep with { State = e.Update.State, Progress = e.Update.Progress };
                }
                break;
            default:
                throw new ArgumentException($"RobotState does not know event {@event.GetType().Name}.", nameof(@event));
        }
    }
}
