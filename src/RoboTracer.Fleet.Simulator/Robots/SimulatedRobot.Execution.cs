using System.Globalization;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Domain.Geometry;
using Point3D = RoboTracer.Fleet.Domain.Geometry.Point3D;

namespace RoboTracer.Fleet.Simulator.Robots;

internal sealed partial class SimulatedRobot
{
    // The held object's centre counts as touching an obstacle this close to it.
    private const double CollisionTolerance = 0.02;

    // Collision checks sample the path at this spacing (metres); obstacles are 4 cm thick.
    private const double CollisionSampleStep = 0.005;

    private enum Event
    {
        // At the same fraction, scene changes happen before faults, and both before the progress report.
        Nudge,
        Obstacle,
        Stall,
        Disconnect,
        Progress,
        End,
    }

    /// <summary>
    /// Carries the object along the run's path at its speed: EXECUTING at 0, 1/n, …, (n−1)/n of the way, SUCCEEDED
    /// at the end (the object's centre on the last point), with the plan's faults and scene changes at their
    /// fractions. Every wait is on the <see cref="TimeProvider"/> and the run's token.
    /// </summary>
    private async Task ExecuteAsync(StepRun run)
    {
        try
        {
            if (run.Plan.GraspFails)
            {
                Finish(run, StepState.Failed, 0, FailureKind.Grasp, "the grasp failed: the object slipped out of the gripper as it closed (simulated fault)");
                return;
            }
            if (!Report(run, StepState.Executing, 0))
            {
                return;
            }
            foreach (var (fraction, what) in Schedule(run.Plan))
            {
                var (reached, obstacle) = NextCollision(run, fraction);
                if (!await TravelAsync(run, reached))
                {
                    return;
                }
                if (obstacle is not null)
                {
                    Finish(run, StepState.Failed, reached, FailureKind.Collision, $"the {obstacle} blocks the trace: the arm hit it at {Percent(reached)} of the way and stopped");
                    return;
                }
                switch (what)
                {
                    case Event.Progress:
                        Report(run, StepState.Executing, fraction);
                        break;
                    case Event.End:
                        Finish(run, StepState.Succeeded, 1, FailureKind.Unspecified, "");
                        return;
                    case Event.Nudge:
                        Nudge(run);
                        break;
                    case Event.Obstacle:
                        PlaceObstacle(run);
                        break;
                    case Event.Stall:
                        await StallAsync(run);
                        return;
                    case Event.Disconnect:
                        Disconnect(run);
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            // Stopped by a cancel, a replacement or a link loss; whoever stopped the run has reported it.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "{Robot}: step {Step} failed inside the simulator", Id, run.StepId);
            Finish(run, StepState.Failed, run.At, FailureKind.Unspecified, "simulator error: " + ex.Message);
        }
    }

    private List<(double Fraction, Event What)> Schedule(Faults.StepPlan plan)
    {
        var n = Math.Max(1, _settings.ProgressUpdates);
        var events = new List<(double Fraction, Event What)>();
        for (var k = 1; k < n; k++)
        {
            events.Add(((double)k / n, Event.Progress));
        }
        events.Add((1, Event.End));
        if (plan.NudgeAt is { } nudge)
        {
            events.Add((nudge, Event.Nudge));
        }
        if (plan.ObstacleAt is { } obstacle)
        {
            events.Add((obstacle, Event.Obstacle));
        }
        if (plan.StallAt is { } stall)
        {
            events.Add((stall, Event.Stall));
        }
        if (plan.DisconnectAt is { } disconnect)
        {
            events.Add((disconnect, Event.Disconnect));
        }
        return [.. events.OrderBy(e => e.Fraction).ThenBy(e => e.What)];
    }

    /// <summary>Moves the object to <paramref name="target"/>; false when the run is no longer the robot's.</summary>
    private async Task<bool> TravelAsync(StepRun run, double target)
    {
        TimeSpan duration;
        lock (_gate)
        {
            if (_current != run)
            {
                return false;
            }
            duration = run.DurationTo(target);
            run.BeginSegment(target, _time.GetUtcNow());
        }
        if (duration > TimeSpan.Zero)
        {
            await Task.Delay(duration, _time, run.Token);
        }
        lock (_gate)
        {
            if (_current != run)
            {
                return false;
            }
            run.Arrive(target);
            MoveHeldLocked(run, target);
            return true;
        }
    }

    /// <summary>The first fraction up to <paramref name="until"/> where the held object meets an obstacle, and which.</summary>
    private (double Fraction, string? Obstacle) NextCollision(StepRun run, double until)
    {
        lock (_gate)
        {
            var obstacles = Enumerable.Range(0, _scene.Count).Where(_scene.IsObstacle).ToList();
            if (obstacles.Count == 0 || _current != run)
            {
                return (until, null);
            }
            var step = run.Path.Length > 0 ? CollisionSampleStep / run.Path.Length : 1;
            for (var f = run.At; ; f = Math.Min(until, f + step))
            {
                var held = HeldPointLocked(run, f);
                foreach (var i in obstacles)
                {
                    if (_scene.CameraBox(i).Contains(held, CollisionTolerance))
                    {
                        return (f, _scene.LabelOf(i));
                    }
                }
                if (f >= until)
                {
                    return (until, null);
                }
            }
        }
    }

    private void Nudge(StepRun run)
    {
        lock (_gate)
        {
            if (_current != run)
            {
                return;
            }
            var (x, y) = run.Plan.Nudge;
            run.WorldOffset += new Point3D(x, y, 0);
            MoveHeldLocked(run, run.At);
            _logger.LogInformation("{Robot}: scene change: the {Object} slipped by {Distance:F3} m at {Progress:P0} of step {Step}",
                Id, _scene.LabelOf(_scene.IndexOf(run.ObjectId)), Math.Sqrt((x * x) + (y * y)), run.At, run.StepId);
            SendObservationLocked();
        }
    }

    /// <summary>Stands a wall across the rest of the path, halfway between the arm and the trace's end.</summary>
    private void PlaceObstacle(StepRun run)
    {
        lock (_gate)
        {
            if (_current != run)
            {
                return;
            }
            var camera = _scene.Tabletop.Camera;
            var at = run.At + ((1 - run.At) / 2);
            var center = camera.ToWorld(run.Path.PointAt(at)) + run.WorldOffset;
            var direction = camera.Rotation.InverseRotate(run.Path.DirectionAt(at));
            var yaw = (direction.X * direction.X) + (direction.Y * direction.Y) > 1e-12 ? Math.Atan2(direction.Y, direction.X) : 0;
            // Taller than the path is high there, so carrying the object over it is no way out.
            var height = Math.Clamp(center.Z + 0.1, 0.15, 0.6);
            // Local x along the direction of travel (4 cm thick), local y across it (24 cm wide).
            var wall = new OrientedBox3D(new Point3D(center.X, center.Y, height / 2), new Point3D(0.04, 0.24, height), Rotation3D.AboutZ(yaw));
            _scene = _scene.WithObstacle(++_obstacles, wall, MaxObstacles, out var id);
            _logger.LogInformation("{Robot}: scene change: {Obstacle} placed across the path of step {Step} at {Progress:P0}", Id, id, run.StepId, at);
            SendObservationLocked();
        }
    }

    /// <summary>
    /// The stall fault: the arm stops and reports nothing more; after the stall timeout it gives up with FAILED
    /// STALL (a cancel during the stall still ends it CANCELLED). The orchestrator may also notice the silence itself.
    /// </summary>
    private async Task StallAsync(StepRun run)
    {
        lock (_gate)
        {
            if (_current != run)
            {
                return;
            }
            run.Stall();
            _logger.LogWarning("{Robot}: fault: the arm stalled at {Progress:P0} of step {Step}", Id, run.At, run.StepId);
        }
        await Task.Delay(_settings.Faults.StallTimeout, _time, run.Token);
        Finish(run, StepState.Failed, run.At, FailureKind.Stall,
            $"the arm stalled at {Percent(run.At)} of the trace and made no progress for {_settings.Faults.StallTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (simulated fault)");
    }

    /// <summary>The disconnect fault: drop the link; the session's end stops the arm and the step is reported FAILED after reconnecting.</summary>
    private void Disconnect(StepRun run)
    {
        LinkSession? session;
        lock (_gate)
        {
            if (_current != run)
            {
                return;
            }
            session = _session;
            _forcedReconnectDelay = _settings.Faults.DisconnectDuration;
            _logger.LogWarning("{Robot}: fault: dropping the link at {Progress:P0} of step {Step} for {Seconds} s", Id, run.At, run.StepId, _settings.Faults.DisconnectDuration.TotalSeconds);
        }
        session?.Drop();
    }

    /// <summary>After a link loss: stop the arm where it is; the FAILED report waits for the next session.</summary>
    private StepRun? EndRunOnLinkLossLocked()
    {
        if (_current is not { } run)
        {
            return null;
        }
        var progress = run.ProgressAt(_time.GetUtcNow());
        MoveHeldLocked(run, progress);
        _current = null;
        var detail = $"the link to the orchestrator was lost at {Percent(progress)} of the trace: the arm stopped there (safe stop)";
        _pendingReport = RobotWire.Update(run, StepState.Failed, progress, FailureKind.Unspecified, detail);
        _logger.LogWarning("{Robot}: step {Step} stopped at {Progress:P0}: link lost", Id, run.StepId, progress);
        run.RecordOutcome(StepState.Failed, detail);
        return run;
    }

    private bool Report(StepRun run, StepState state, double progress)
    {
        lock (_gate)
        {
            if (_current != run)
            {
                return false;
            }
            _session?.Send(new RobotMessage { StepUpdate = RobotWire.Update(run, state, progress) });
            return true;
        }
    }

    /// <summary>Ends the run with a final report and an observation of where things are now.</summary>
    private void Finish(StepRun run, StepState state, double progress, FailureKind failure, string detail)
    {
        lock (_gate)
        {
            if (_current != run)
            {
                return;
            }
            _current = null;
            _lastFinalReport = RobotWire.Update(run, state, progress, failure, detail);
            _session?.Send(new RobotMessage { StepUpdate = _lastFinalReport });
            run.RecordOutcome(state, detail);
            SendObservationLocked();
            if (state == StepState.Succeeded)
            {
                _logger.LogInformation("{Robot}: step {Step} succeeded (trace {Trace})", Id, run.StepId, run.TraceId);
            }
            else
            {
                _logger.LogWarning("{Robot}: step {Step} {State} ({Failure}): {Detail}", Id, run.StepId, state, failure, detail);
            }
        }
        run.Stop();
    }

    /// <summary>Where the held object's centre is (camera frame) at <paramref name="fraction"/> of the run's path.</summary>
    private Point3D HeldPointLocked(StepRun run, double fraction) =>
        run.Path.PointAt(fraction) + _scene.Tabletop.Camera.Rotation.Rotate(run.WorldOffset);

    private void MoveHeldLocked(StepRun run, double fraction)
    {
        var index = _scene.IndexOf(run.ObjectId);
        if (index < 0)
        {
            return;
        }
        var held = HeldPointLocked(run, fraction);
        // A simple battery: 1% per metre carried, never quite empty.
        _battery = Math.Max(0.05, _battery - (0.01 * held.DistanceTo(_gripper)));
        _gripper = held;
        _scene = _scene.WithObjectAt(index, _scene.Tabletop.Camera.ToWorld(held));
    }

    private static string Percent(double fraction) => fraction.ToString("P0", CultureInfo.InvariantCulture);
}
