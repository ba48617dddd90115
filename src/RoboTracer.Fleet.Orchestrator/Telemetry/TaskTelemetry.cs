using System.Collections.Concurrent;
using System.Diagnostics;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Grains.Tracing;

namespace RoboTracer.Fleet.Orchestrator.Telemetry;

/// <summary>
/// One distributed trace per task: submission is its root span, and planning, every trace query and every robot
/// step are its children, although grains run them later on their own turns (where the submitting request's
/// <see cref="Activity.Current"/> is long gone). The root's context is kept per task while the node runs; a task
/// resumed after a restart starts a new root.
/// </summary>
internal sealed class TaskTelemetry : IDisposable
{
    public const string SourceName = "RoboTracer.Fleet.Orchestrator";

    private readonly ActivitySource _source = new(SourceName);
    private readonly ConcurrentDictionary<TaskId, ActivityContext> _roots = new();

    /// <summary>The span of a task's submission; its context becomes the parent of everything the task does.</summary>
    public Activity? StartSubmission(TaskId task, string instruction)
    {
        var activity = _source.StartActivity("task.submit", ActivityKind.Server);
        activity?.SetTag("robotracer.task", task.Value);
        activity?.SetTag("robotracer.instruction", instruction);
        if (activity is not null)
        {
            _roots[task] = activity.Context;
        }
        return activity;
    }

    public Activity? StartPlanning(PlanningRequest request) =>
        request.Task is { } task ? Child("task.plan", task, ActivityKind.Internal) : _source.StartActivity("task.plan");

    public Activity? StartTraceQuery(TraceQuery query)
    {
        var activity = Child("trace.query", query.Task, ActivityKind.Client);
        activity?.SetTag("robotracer.step", query.StepIndex);
        activity?.SetTag("robotracer.trace", query.Trace.Value);
        activity?.SetTag("robotracer.robot", query.Robot.Value);
        return activity;
    }

    /// <summary>
    /// A robot step: a span from the moment the trace is sent down the link. Returns its W3C <c>traceparent</c>, which
    /// the command carries so the robot's spans join the task's trace; null when nothing listens.
    /// </summary>
    public string? RobotStepDispatched(ExecuteTraceCommand command)
    {
        using var activity = Child("robot.step", command.Task, ActivityKind.Producer);
        activity?.SetTag("robotracer.step", command.StepIndex);
        activity?.SetTag("robotracer.trace", command.Trace.Value);
        activity?.SetTag("robotracer.robot", command.Robot.Value);
        activity?.SetTag("robotracer.points", command.Points.Points3D.Count);
        return activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;
    }

    public void Forget(TaskId task) => _roots.TryRemove(task, out _);

    public void Dispose() => _source.Dispose();

    private Activity? Child(string name, TaskId task, ActivityKind kind)
    {
        if (!_roots.TryGetValue(task, out var parent))
        {
            var root = _source.StartActivity("task.resume", ActivityKind.Internal);
            if (root is null)
            {
                return null;
            }
            root.SetTag("robotracer.task", task.Value);
            parent = _roots.GetOrAdd(task, root.Context);
            root.Dispose();
        }
        var activity = _source.StartActivity(name, kind, parent);
        activity?.SetTag("robotracer.task", task.Value);
        return activity;
    }
}
