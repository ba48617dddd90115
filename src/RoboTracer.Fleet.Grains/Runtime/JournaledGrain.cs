using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// An event-sourced grain (Orleans' <c>JournaledGrain&lt;TState, TEvent&gt;</c>, as in the JournaledTodoList
/// sample): its state is rebuilt on activation by replaying its stream through <see cref="TransitionState"/>, and
/// every change is an event appended with the stream's expected version.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="RaiseEvent"/> applies the event to <see cref="State"/> at once, so the grain reads its new state
/// right away, and queues it; <see cref="ConfirmEventsAsync"/> appends the queue. The runtime confirms whatever
/// is still queued at the end of each turn, before the caller is answered: a caller that hears "done" is told
/// about durable state.
/// </para>
/// <para>
/// The invariant is that the in-memory state equals the store's, or the activation dies. So when an append is
/// rejected because the stream moved (<see cref="WrongExpectedVersionException"/>: another activation, maybe on
/// another node, wrote first), fails for any other reason, or a turn throws with events still queued, the
/// activation is broken: it deactivates after the turn, never writes again, and the next call reloads the state
/// from the store. A rejected write surfaces as <see cref="StaleActivationException"/>; other failures as they are.
/// </para>
/// </remarks>
/// <typeparam name="TState">The state; changed only by <see cref="TransitionState"/>.</typeparam>
/// <typeparam name="TEvent">The base type of the grain's events.</typeparam>
public abstract class JournaledGrain<TState, TEvent> : Grain
    where TState : class, new()
    where TEvent : class
{
    private readonly IEventStore _store;
    private readonly EventSerializer _serializer;
    private readonly List<TEvent> _unconfirmed = [];
    private Exception? _broken;

    /// <summary>Creates the grain over its event store and the serializer that knows its event types.</summary>
    protected JournaledGrain(IEventStore store, EventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(serializer);
        _store = store;
        _serializer = serializer;
    }

    /// <summary>The state, including events raised but not yet confirmed.</summary>
    protected TState State { get; private set; } = new();

    /// <summary>The stream version the store has confirmed (0 for a new stream).</summary>
    protected long Version { get; private set; }

    /// <summary>Events raised and not yet appended.</summary>
    protected IReadOnlyList<TEvent> UnconfirmedEvents => _unconfirmed;

    /// <summary>The event store, for reads (blobs) the grain needs besides its stream.</summary>
    protected IEventStore EventStore => _store;

    /// <summary>The stream that holds this grain's events, e.g. <c>task-{key}</c>.</summary>
    protected abstract string StreamId { get; }

    /// <summary>Applies one event to the state; must not fail for an event the grain raised.</summary>
    protected abstract void TransitionState(TState state, TEvent @event);

    /// <summary>Applies <paramref name="event"/> to <see cref="State"/> and queues it for the store.</summary>
    /// <exception cref="StaleActivationException">This activation is stale and may not change state.</exception>
    protected void RaiseEvent(TEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ThrowIfBroken();
        TransitionState(State, @event);
        _unconfirmed.Add(@event);
    }

    /// <summary>Raises each event in order.</summary>
    protected void RaiseEvents(IEnumerable<TEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var @event in events)
        {
            RaiseEvent(@event);
        }
    }

    /// <summary>Appends the queued events, all or nothing, expecting the stream at <see cref="Version"/>.</summary>
    /// <exception cref="StaleActivationException">The stream moved: the activation is stale and deactivates.</exception>
    protected async Task ConfirmEventsAsync()
    {
        ThrowIfBroken();
        if (_unconfirmed.Count == 0)
        {
            return;
        }
        var batch = new List<EventData>(_unconfirmed.Count);
        try
        {
            batch.AddRange(_unconfirmed.Select(e => _serializer.Serialize(e)));
            var result = await _store.AppendAsync(StreamId, ExpectedVersion.Exact(Version), batch);
            Version = result.LastVersion;
            _unconfirmed.Clear();
        }
        catch (WrongExpectedVersionException e)
        {
            var stale = new StaleActivationException(GrainId, NodeId, StreamId, Version, e.ActualVersion, e);
            Break(stale, DeactivationReasonCode.StaleActivation);
            throw stale;
        }
        catch (Exception e)
        {
            // Unknown outcome (the store may or may not have committed): only a reload tells the truth.
            Break(e, DeactivationReasonCode.StaleActivation);
            throw;
        }
    }

    internal override async Task ActivateCoreAsync(CancellationToken cancellationToken)
    {
        await foreach (var recorded in _store.ReadStreamAsync(StreamId, 1, cancellationToken))
        {
            if (_serializer.Deserialize(recorded) is not TEvent @event)
            {
                throw new InvalidOperationException($"Stream '{recorded.StreamId}' version {recorded.Version} holds a '{recorded.EventType}' event, which is not a {typeof(TEvent).Name}: {GetType().Name} cannot rebuild its state.");
            }
            TransitionState(State, @event);
            Version = recorded.Version;
        }
        await base.ActivateCoreAsync(cancellationToken);
    }

    internal override Task OnTurnCompletedAsync() => _unconfirmed.Count == 0 || _broken is not null ? Task.CompletedTask : ConfirmEventsAsync();

    internal override void OnTurnFailed()
    {
        if (_unconfirmed.Count > 0 && _broken is null)
        {
            // The state holds events the store will never see: this activation can only be thrown away.
            Break(new InvalidOperationException($"A turn of {GrainId} failed with {_unconfirmed.Count} unconfirmed events; they were discarded."), DeactivationReasonCode.StaleActivation);
        }
    }

    private void Break(Exception reason, DeactivationReasonCode code)
    {
        _broken = reason;
        _unconfirmed.Clear();
        RequestDeactivation(new DeactivationReason(code, reason.Message));
    }

    private void ThrowIfBroken()
    {
        if (_broken is StaleActivationException stale)
        {
            throw new StaleActivationException(stale.Grain, NodeId, stale.StreamId, stale.ActivationVersion, stale.StoreVersion, stale);
        }
        if (_broken is not null)
        {
            throw new InvalidOperationException($"The activation of {GrainId} is deactivating after a failed write and may not change state; retry the call.", _broken);
        }
    }
}
