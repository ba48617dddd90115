using System.Globalization;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Contracts.V1;
using Point3D = RoboTracer.Fleet.Domain.Geometry.Point3D;

namespace RoboTracer.Fleet.Simulator.Robots;

internal sealed partial class SimulatedRobot
{
    // Trace points may stick out of the workspace box this much (a trace ends on top of an object at the edge).
    private const double WorkspaceMargin = 0.05;

    // Without an object_id the robot grasps the object nearest the first trace point, if it is this close.
    private const double MaxGraspDistance = 0.25;

    /// <summary>
    /// Dispatches one orchestrator message. Nothing the orchestrator sends may crash the robot. Commands are
    /// acknowledged once taken in (the robot says so in its Hello); a trace whose command id is not above every one
    /// executed before (delivered twice, or late) is acknowledged and not executed.
    /// </summary>
    private void Handle(OrchestratorMessage message, LinkSession session)
    {
        try
        {
            switch (message.BodyCase)
            {
                case OrchestratorMessage.BodyOneofCase.ExecuteTrace:
                    var execute = message.ExecuteTrace;
                    if (IsRepeated(execute))
                    {
                        _logger.LogWarning("{Robot}: command {Command} (trace {Trace} of task {Task} step {Step}) is not newer than the last one executed; acknowledged, not executed again",
                            Id, execute.CommandId, execute.TraceId, execute.TaskId, execute.StepId);
                    }
                    else
                    {
                        OnExecuteTrace(execute);
                    }
                    session.Send(new RobotMessage { CommandAck = new CommandAck { CommandId = execute.CommandId } });
                    break;
                case OrchestratorMessage.BodyOneofCase.CancelStep:
                    OnCancelStep(message.CancelStep);
                    session.Send(new RobotMessage { CommandAck = new CommandAck { CommandId = message.CancelStep.CommandId } });
                    break;
                case OrchestratorMessage.BodyOneofCase.Ping:
                    session.Send(new RobotMessage { Pong = new Pong { PingSentUnixMs = message.Ping.SentUnixMs } });
                    break;
                case OrchestratorMessage.BodyOneofCase.Welcome:
                    _logger.LogDebug("{Robot}: ignored a repeated Welcome", Id);
                    break;
                default:
                    _logger.LogWarning("{Robot}: ignored an orchestrator message with no body", Id);
                    break;
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "{Robot}: handling {Message} failed; the robot carries on", Id, message.BodyCase);
        }
    }

    /// <summary>True when <paramref name="command"/> was executed already; otherwise it becomes the latest one.</summary>
    private bool IsRepeated(ExecuteTrace command)
    {
        if (command.CommandId == 0)
        {
            // An orchestrator that numbers no commands: every trace is new.
            return false;
        }
        lock (_gate)
        {
            if (command.CommandId <= _lastExecuted)
            {
                return true;
            }
            _lastExecuted = command.CommandId;
            return false;
        }
    }

    private void OnExecuteTrace(ExecuteTrace command)
    {
        StepRun? stopped = null;
        StepRun run;
        lock (_gate)
        {
            if (Check(command) is { } problem)
            {
                // Bad input changes no state (DESIGN.md §5): a running step goes on; this trace alone fails.
                _logger.LogWarning("{Robot}: rejected trace {Trace} for task {Task} step {Step}: {Problem}", Id, command.TraceId, command.TaskId, command.StepId, problem.Detail);
                _session?.Send(new RobotMessage { StepUpdate = RobotWire.Update(command.TaskId, command.StepId, command.TraceId, StepState.Failed, 0, problem.Kind, problem.Detail) });
                return;
            }
            var plan = _planner.Next();
            var now = _time.GetUtcNow();
            string? heldBefore = null;
            if (_current is { } running)
            {
                var progress = running.ProgressAt(now);
                MoveHeldLocked(running, progress);
                _current = null;
                stopped = running;
                if (running.TaskId == command.TaskId && running.StepId == command.StepId)
                {
                    // A replacement trace for the same step: the new one carries on from where the object is now.
                    heldBefore = running.ObjectId;
                    _logger.LogInformation("{Robot}: trace {Trace} replaces trace {Old} of step {Step} at {Progress:P0}", Id, command.TraceId, running.TraceId, command.StepId, progress);
                    running.RecordOutcome(StepState.Cancelled, $"replaced by trace {command.TraceId}");
                }
                else
                {
                    var detail = $"preempted by step {command.StepId} of task {command.TaskId}";
                    _session?.Send(new RobotMessage { StepUpdate = RobotWire.Update(running, StepState.Cancelled, progress, detail: detail) });
                    running.RecordOutcome(StepState.Cancelled, detail);
                    _logger.LogWarning("{Robot}: step {Old} preempted by step {Step} at {Progress:P0}", Id, running.StepId, command.StepId, progress);
                }
            }
            var index = command.ObjectId.Length > 0 ? _scene.IndexOf(command.ObjectId)
                : heldBefore is not null ? _scene.IndexOf(heldBefore)
                : NearestMovable(FirstPoint(command)).Index;
            var start = _scene.CameraBox(index).Center;
            var points = new List<Point3D>(command.Points3D.Count + 1) { start };
            points.AddRange(command.Points3D.Select(RobotWire.FromWire));
            var speed = command.MaxSpeedMps > 0 ? Math.Min(command.MaxSpeedMps, _settings.SpeedMetresPerSecond) : _settings.SpeedMetresPerSecond;
            run = new StepRun(Id, command, _scene.Ids[index], new TracePath(points), plan, speed);
            _current = run;
            _session?.Send(new RobotMessage { StepUpdate = RobotWire.Update(run, StepState.Accepted, 0) });
            _logger.LogInformation("{Robot}: step {Step} of task {Task}: following trace {Trace} with the {Object} ({Points} points, {Length:F2} m at {Speed:F2} m/s)",
                Id, run.StepId, run.TaskId, run.TraceId, _scene.LabelOf(index), command.Points3D.Count, run.Path.Length, speed);
        }
        stopped?.Stop();
        _ = Task.Run(() => ExecuteAsync(run));
    }

    private void OnCancelStep(CancelStep command)
    {
        StepRun run;
        lock (_gate)
        {
            var ignored = _current switch
            {
                null => "no step is running",
                { } r when r.StepId != command.StepId || (command.TaskId.Length > 0 && command.TaskId != r.TaskId) => $"step {r.StepId} of task {r.TaskId} is running",
                { } r when command.TraceId.Length > 0 && command.TraceId != r.TraceId => $"trace {r.TraceId} is running, not {command.TraceId}",
                _ => null,
            };
            if (ignored is not null)
            {
                _logger.LogWarning("{Robot}: ignored CancelStep for task {Task} step {Step}: {Reason}", Id, command.TaskId, command.StepId, ignored);
                return;
            }
            run = _current!;
            var progress = run.ProgressAt(_time.GetUtcNow());
            MoveHeldLocked(run, progress);
            _current = null;
            var detail = command.Reason.Length > 0 ? "cancelled: " + command.Reason : "cancelled by the orchestrator";
            _session?.Send(new RobotMessage { StepUpdate = RobotWire.Update(run, StepState.Cancelled, progress, detail: detail) });
            run.RecordOutcome(StepState.Cancelled, detail);
            SendObservationLocked();
            _logger.LogInformation("{Robot}: step {Step} cancelled at {Progress:P0}", Id, run.StepId, progress);
        }
        run.Stop();
    }

    /// <summary>What is wrong with <paramref name="command"/>, or null when the robot can try it.</summary>
    private (FailureKind Kind, string Detail)? Check(ExecuteTrace command)
    {
        if (command.StepId.Length == 0)
        {
            return (FailureKind.Unspecified, "step_id is empty: every trace belongs to a step");
        }
        if (command.Points3D.Count == 0)
        {
            return (FailureKind.Unspecified, "the trace has no 3D points (points_3d is empty): the robot follows metric traces in the camera frame");
        }
        for (var i = 0; i < command.Points3D.Count; i++)
        {
            var p = RobotWire.FromWire(command.Points3D[i]);
            if (!p.IsFinite)
            {
                return (FailureKind.Unspecified, $"points_3d[{i.ToString(CultureInfo.InvariantCulture)}] = {p} is not a finite point");
            }
        }
        if (double.IsNaN(command.MaxSpeedMps) || command.MaxSpeedMps < 0)
        {
            return (FailureKind.Unspecified, $"max_speed_mps = {command.MaxSpeedMps.ToString(CultureInfo.InvariantCulture)} must be 0 (no limit) or positive");
        }
        var workspace = _scene.Workspace.Inflated(WorkspaceMargin);
        for (var i = 0; i < command.Points3D.Count; i++)
        {
            var p = RobotWire.FromWire(command.Points3D[i]);
            if (!workspace.Contains(p))
            {
                return (FailureKind.Unreachable, $"points_3d[{i.ToString(CultureInfo.InvariantCulture)}] = {p} is outside the reachable workspace {_scene.Workspace} (camera frame, metres)");
            }
        }
        if (command.ObjectId.Length > 0)
        {
            var index = _scene.IndexOf(command.ObjectId);
            if (index < 0)
            {
                return (FailureKind.Unspecified, $"object '{command.ObjectId}' is not in scene {_settings.SceneId}; known: {string.Join(", ", _scene.Ids)}");
            }
            if (_scene.IsObstacle(index))
            {
                return (FailureKind.Grasp, $"'{command.ObjectId}' ({_scene.LabelOf(index)}) is an obstacle fixed to the table; it cannot be moved");
            }
            return null;
        }
        if (_current is { } running && running.TaskId == command.TaskId && running.StepId == command.StepId)
        {
            return null;
        }
        var (nearest, distance) = NearestMovable(FirstPoint(command));
        if (nearest < 0)
        {
            return (FailureKind.Grasp, "there is no movable object in the scene");
        }
        if (distance > MaxGraspDistance)
        {
            return (FailureKind.Grasp, $"nothing to grasp within {MaxGraspDistance.ToString(CultureInfo.InvariantCulture)} m of the trace's first point; the nearest object, the {_scene.LabelOf(nearest)}, is {distance.ToString("F2", CultureInfo.InvariantCulture)} m away");
        }
        return null;
    }

    private static Point3D FirstPoint(ExecuteTrace command) => RobotWire.FromWire(command.Points3D[0]);

    private (int Index, double Distance) NearestMovable(Point3D point)
    {
        var best = (Index: -1, Distance: double.PositiveInfinity);
        for (var i = 0; i < _scene.Count; i++)
        {
            if (_scene.IsObstacle(i))
            {
                continue;
            }
            var distance = _scene.CameraBox(i).DistanceTo(point);
            if (distance < best.Distance)
            {
                best = (i, distance);
            }
        }
        return best;
    }
}
