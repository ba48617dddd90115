using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>A call to a grain method, with the completion its caller awaits.</summary>
internal sealed class GrainCall<T>(GrainId target, GrainMethod method, object?[]? args, ILogger logger) : WorkItem
{
    // RunContinuationsAsynchronously: the caller's continuation must not run inline on the grain's scheduler,
    // where it would hold up the grain and, worse, run caller code as if it were part of the grain's turn.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public GrainMethod Method => method;

    public override bool Interleaves => method.AlwaysInterleave;

    public override bool IsCall => true;

    // A one-way call exists to decouple caller and grain (notifications against the call direction): it is
    // always queued, so the caller never runs the grain's code.
    public override bool MayRunInline => !method.IsOneWay;

    public override async Task RunAsync(Grain grain, Action<WorkItem> finished)
    {
        T result;
        try
        {
            result = await method.InvokeOnGrain<T>(grain, args);
            // A turn's events are durable before its caller hears that it succeeded.
            await grain.OnTurnCompletedAsync();
        }
        catch (Exception e)
        {
            grain.OnTurnFailed();
            finished(this);
            Fail(e);
            return;
        }
        finished(this);
        _completion.TrySetResult(result);
    }

    public override void Fail(Exception exception)
    {
        if (method.IsOneWay)
        {
            // Nobody awaits a one-way call: a task nobody observes would only surface as UnobservedTaskException.
            logger.LogWarning(exception, "One-way call {Method} to {Grain} failed", GrainMethod.Describe(method.Method), target);
            return;
        }
        _completion.TrySetException(exception);
    }
}
