using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// The base of every grain class (Orleans' <c>Grain</c>). The runtime creates the instance with the factory
/// registered in <see cref="GrainRuntime.AddGrain{TGrainInterface, TGrain}"/>, activates it on the first call,
/// runs its calls one turn at a time, and deactivates it when idle.
/// </summary>
/// <remarks>
/// Grain code must not block and must not use <c>ConfigureAwait(false)</c>: an <c>await</c> has to resume on the
/// activation's scheduler for turns to stay one at a time. Work that should run outside the grain (a slow
/// inference call) goes to <see cref="Task.Run(Func{Task})"/> and reports back through a call to the grain.
/// </remarks>
public abstract class Grain
{
    private GrainActivation? _activation;

    /// <summary>The grain's identity.</summary>
    public GrainId GrainId => Activation.Id;

    /// <summary>For calling other grains (and this one, as a message).</summary>
    protected IGrainFactory GrainFactory => Activation.Runtime;

    /// <summary>The runtime's clock: use it for every time the grain reads or waits for.</summary>
    protected TimeProvider TimeProvider => Activation.Runtime.TimeProvider;

    /// <summary>The runtime's node id.</summary>
    protected string NodeId => Activation.Runtime.NodeId;

    /// <summary>The runtime's logger.</summary>
    protected ILogger Logger => Activation.Logger;

    /// <summary>Cancelled when this activation starts deactivating: pass it to work the grain starts in the background.</summary>
    protected CancellationToken ActivationLifetime => Activation.Lifetime;

    private GrainActivation Activation => _activation
        ?? throw new InvalidOperationException($"{GetType().Name} is not activated by a GrainRuntime: grains are created by the runtime, not with new.");

    /// <summary>The grain's key.</summary>
    public string GetPrimaryKeyString() => Activation.Id.Key;

    /// <summary>Called once before the activation's first message, after the runtime loaded its state.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once when the activation ends (idle, asked, stale, shutdown); its timers are already stopped.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts a timer whose callback runs as a turn of this grain; it dies with the activation.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options) =>
        Activation.RegisterTimer(callback, options);

    /// <summary>Starts a timer whose callback runs as a turn of this grain; it dies with the activation.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Activation.RegisterTimer(callback, new GrainTimerCreationOptions { DueTime = dueTime, Period = period });

    /// <summary>Ends this activation after the current turn; later calls go to a fresh activation.</summary>
    protected void DeactivateOnIdle() =>
        Activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "the grain asked"));

    /// <summary>A reference to this grain, for sending it a message (e.g. from background work).</summary>
    protected TGrainInterface AsReference<TGrainInterface>() where TGrainInterface : IGrainWithStringKey
    {
        if (this is not TGrainInterface)
        {
            throw new InvalidOperationException($"{GetType().Name} does not implement {typeof(TGrainInterface).Name}.");
        }
        return GrainFactory.GetGrain<TGrainInterface>(GetPrimaryKeyString());
    }

    internal void Bind(GrainActivation activation) => _activation = activation;

    internal void RequestDeactivation(DeactivationReason reason) => Activation.RequestDeactivation(reason);

    /// <summary>Loads whatever the grain needs before <see cref="OnActivateAsync"/> (journaled grains replay their events).</summary>
    internal virtual Task ActivateCoreAsync(CancellationToken cancellationToken) => OnActivateAsync(cancellationToken);

    /// <summary>Runs at the end of each successful turn, before its caller is answered.</summary>
    internal virtual Task OnTurnCompletedAsync() => Task.CompletedTask;

    /// <summary>Runs when a turn throws.</summary>
    internal virtual void OnTurnFailed()
    {
    }
}
