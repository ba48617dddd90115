using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.Grains.Scene;
using RoboTracer.Fleet.Grains.Tracing;

namespace RoboTracer.Fleet.Grains.Tasks;

/// <summary>
/// The next step's trace, fetched while the current step executes, so that the pool's round trip is not between a
/// step's success and the next step's dispatch. It is asked for the scene as the current trace will leave it (the
/// step's object at the trace's end) and used only when the next step starts on its first try, with the same robot,
/// the answer is in, and scene memory, as the step is verified, shows no change that would stop it as a running trace
/// (the watch's rule: <see cref="ISceneMemoryGrain.CheckTraceAsync"/>); the watch started when it is sent catches a
/// change after that. Otherwise it is dropped and the step traced as before. Nothing is recorded until it is used;
/// then its TraceRequested and TraceAssigned go in one append with the previous step's success, so a replay shows every
/// trace that was sent and the scene it was asked for.
/// </summary>
public sealed partial class TaskGrain
{
    private Prefetch? _prefetch;

    /// <summary>Starts fetching the trace of the step after <paramref name="stepIndex"/>, whose trace the robot has just taken.</summary>
    private async Task PrefetchNextTraceAsync(int stepIndex)
    {
        DropPrefetch();
        var next = stepIndex + 1;
        if (!options.PrefetchNextTrace || next >= State.Steps.Count || State.Scene is null || State.Steps[stepIndex] is not { Points: { } current } step)
        {
            return;
        }
        TraceQuery query;
        try
        {
            query = await BuildQueryAsync(State.Steps[next], TraceId.New());
        }
        catch (Exception e)
        {
            // Only the head start is lost: the step is traced when it starts.
            Logger.LogDebug(e, "Task {Task} could not read the scene to fetch step {Step}'s trace ahead", Id, next);
            return;
        }
        if ((query.Frame is null && options.WaitForFirstFrame) || current.Points3D.Count == 0 || query.Unbound is not null)
        {
            // A trace needs a frame (the step's own request waits for one); without an end there is no scene after;
            // and a step whose object binds nothing is not traced at all (its own request fails the task, saying why).
            return;
        }
        query = AsLeftBy(query, step.ObjectId, current.Points3D[^1]);
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ActivationLifetime);
        var pool = tracer;
        var token = cancellation.Token;
        // Outside the grain, as every trace call: the answer is looked at when the step starts.
        var answer = Task.Run(() => pool.TraceAsync(query, token), CancellationToken.None);
        _prefetch = new Prefetch(query, State.Robot, answer, cancellation);
    }

    /// <summary>
    /// Checks, while the step before it is verified, that the trace fetched ahead for step <paramref name="stepIndex"/>
    /// still fits the scene; drops it when it does not. Done before the verification decides, because everything from
    /// the step's success to the next trace's assignment must be raised without waiting on anything: Orleans starts
    /// appending raised events as soon as the turn awaits, and the decision is meant to be one append.
    /// </summary>
    private async Task VetPrefetchAsync(int stepIndex)
    {
        if (_prefetch is not { } prefetch || prefetch.Query.StepIndex != stepIndex)
        {
            return;
        }
        var query = prefetch.Query;
        if (prefetch.Robot != State.Robot || !prefetch.Answer.IsCompletedSuccessfully || State.Scene is not { } scene)
        {
            Logger.LogDebug("Task {Task} drops the trace fetched ahead for step {Step}: its robot changed, or the pool has not answered", Id, stepIndex);
            DropPrefetch();
            return;
        }
        var points = prefetch.Answer.Result;
        SceneChange? change;
        try
        {
            change = await GrainFactory.GetScene(scene).CheckTraceAsync(WatchOf(query.Trace, points, query.Object?.Id, query.Destination?.Id), Positions(query.SceneHints));
        }
        catch (Exception e)
        {
            // A trace the watch cannot take (no 3D points) is traced again, and judged as any answer is.
            Logger.LogDebug(e, "Task {Task} could not check the trace fetched ahead for step {Step}", Id, stepIndex);
            DropPrefetch();
            return;
        }
        if (change is not null)
        {
            Logger.LogInformation("Task {Task} drops the trace fetched ahead for step {Step}: {Change}", Id, stepIndex, change.Description);
            DropPrefetch();
            return;
        }
        _prefetch = prefetch with { Vetted = true };
    }

    /// <summary>
    /// Sends <paramref name="step"/> the trace fetched for it ahead, if <see cref="VetPrefetchAsync"/> found that it fits
    /// (true); false when there is none, and the step is to be traced now.
    /// </summary>
    private async Task<bool> TryAssignPrefetchedAsync(TaskStepState step)
    {
        if (_prefetch is not { Vetted: true } prefetch || prefetch.Query.StepIndex != step.Index || prefetch.Robot != State.Robot)
        {
            DropPrefetch();
            return false;
        }
        DropPrefetch();
        Raise(new TraceRequested(step.Index, prefetch.Query.Trace, "first attempt, fetched while the previous step ran", Now));
        await AssignTraceAsync(step, prefetch.Query, prefetch.Answer.Result);
        return true;
    }

    private void DropPrefetch()
    {
        if (_prefetch is { } prefetch)
        {
            _prefetch = null;
            Release(prefetch);
        }
    }

    /// <summary>
    /// Cancels the call if it still runs; its cancellation source goes once the call is over, and a failure of it (a
    /// head start lost, nothing more) is observed then.
    /// </summary>
    private static void Release(Prefetch prefetch)
    {
        if (!prefetch.Answer.IsCompleted)
        {
            prefetch.Cancellation.Cancel();
        }
        _ = prefetch.Answer.ContinueWith(
            answer =>
            {
                _ = answer.Exception;
                prefetch.Cancellation.Dispose();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary><paramref name="query"/> with the object <paramref name="movedId"/> (if any) where the current trace puts it.</summary>
    private static TraceQuery AsLeftBy(TraceQuery query, string? movedId, Point3D end)
    {
        if (movedId is null)
        {
            return query;
        }
        SceneObjectState Moved(SceneObjectState o) => o.Id == movedId ? o with { Box = o.Box with { Center = end } } : o;
        return query with
        {
            SceneHints = [.. query.SceneHints.Select(Moved)],
            Object = query.Object is { } o ? Moved(o) : null,
            Destination = query.Destination is { } d ? Moved(d) : null,
        };
    }

    private sealed record Prefetch(TraceQuery Query, RobotId? Robot, Task<SpatialTrace> Answer, CancellationTokenSource Cancellation, bool Vetted = false);
}
