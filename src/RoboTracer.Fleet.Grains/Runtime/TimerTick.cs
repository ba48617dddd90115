using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>A grain timer's tick, run as a turn.</summary>
internal sealed class TimerTick(GrainTimer timer, ILogger logger) : WorkItem
{
    public override bool Interleaves => false;

    public override bool IsCall => false;

    public override bool MayRunInline => false;

    public override async Task RunAsync(Grain grain, Action<WorkItem> finished)
    {
        try
        {
            await timer.InvokeAsync();
            await grain.OnTurnCompletedAsync();
        }
        catch (Exception e)
        {
            grain.OnTurnFailed();
            logger.LogWarning(e, "A timer callback of {Grain} failed", grain.GrainId);
        }
        finished(this);
    }

    public override void Fail(Exception exception) => timer.ReleaseTick();
}
