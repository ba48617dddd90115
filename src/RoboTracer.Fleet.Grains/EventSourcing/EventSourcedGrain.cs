using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.EventSourcing;
using Orleans.EventSourcing.Common;
using Orleans.EventSourcing.CustomStorage;
using Orleans.Providers;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;

namespace RoboTracer.Fleet.Grains.EventSourcing;

/// <summary>
/// An event-sourced grain over the fleet's event store: Orleans' <see cref="JournaledGrain{TState, TEvent}"/> with the
/// custom-storage log-consistency provider (<see cref="ICustomStorageInterface{TState, TEvent}"/>) reading and
/// appending the grain's stream (JournaledTodoList style: events in, state out, changes only in
/// <c>TransitionState</c>).
/// </summary>
/// <remarks>
/// <para>
/// What grain code can rely on. <see cref="State"/> includes the events raised so far in the current call. It is
/// the grain's own copy, changed by <see cref="Raise"/> at once (an event its state rejects fails the call before
/// anything is submitted), not Orleans' tentative state, which Orleans rebuilds by deep-copying the confirmed state
/// after every write. Every call's events are appended, as one batch expecting the stream's version, before
/// its caller is answered (this class is the grain's own call filter); <see cref="ConfirmEventsAsync"/> appends
/// earlier, e.g. before a side effect. Timer callbacks are not calls: they confirm themselves
/// (<see cref="RegisterConfirmingTimer"/>).
/// </para>
/// <para>
/// A stale activation cannot write. Events are raised conditionally: when the stream moved (another activation, on
/// another silo, wrote first) the append is refused, Orleans drops the call's events and reloads the state, and the
/// activation deactivates (its other fields belong to the state it had) while the caller gets a
/// <see cref="StaleActivationException"/>. Retrying the call reaches a fresh activation.
/// </para>
/// <para>
/// An append that fails (the store is down, or the connection dropped after it may have committed) is retried with
/// the same idempotency keys, made from the stream, the expected version and the batch's content, so the store
/// answers a retry of a committed batch as already appended. A call waits for its events at most
/// <see cref="EventSourcingOptions.WriteTimeout"/>, then fails with <see cref="EventStoreUnavailableException"/>
/// naming the store's last error while the retries go on; the events land when the store is back.
/// </para>
/// <para>
/// Unlike the runtime this replaced, a call that throws after raising events still has them appended: Orleans does
/// not take back submitted events. The grains raise events only once a call is validated.
/// </para>
/// </remarks>
/// <typeparam name="TState">The state; changed only by <c>TransitionState</c>.</typeparam>
/// <typeparam name="TEvent">The base type of the grain's events.</typeparam>
[LogConsistencyProvider(ProviderName = ProviderName)]
public abstract class EventSourcedGrain<TState, TEvent> : JournaledGrain<TState, TEvent>, ICustomStorageInterface<TState, TEvent>, IIncomingGrainCallFilter
    where TState : class, new()
    where TEvent : class
{
    /// <summary>The name of the log-consistency provider the silo registers for these grains.</summary>
    public const string ProviderName = "fleet-events";

    private readonly IEventStore _store;
    private readonly EventSerializer _serializer;
    private readonly List<Task<bool>> _raised = [];
    private readonly CancellationTokenSource _lifetime = new();
    private TState? _working;
    private ILogger? _logger;
    private FleetMetrics? _metrics;
    private string? _kind;
    private TimeProvider? _time;
    private Exception? _lastStoreError;
    private bool _stale;

    /// <summary>Creates the grain over its event store and the serializer that knows its event types.</summary>
    protected EventSourcedGrain(IEventStore store, EventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(serializer);
        _store = store;
        _serializer = serializer;
    }

    /// <summary>The state, with the events raised in this call.</summary>
    protected new TState State => _working ?? throw new InvalidOperationException($"{GetType().Name} has not loaded its state: read State only once the grain is activated.");

    /// <summary>The stream version including the events raised and not yet appended.</summary>
    protected long TentativeVersion => Version + UnconfirmedEvents.Count();

    /// <summary>The event store, for reads (blobs) the grain needs besides its stream.</summary>
    protected IEventStore EventStore => _store;

    /// <summary>The stream that holds this grain's events, e.g. <c>task-{key}</c>.</summary>
    protected abstract string StreamId { get; }

    /// <summary>The silo's clock for grains (the one grain timers run on): read time and wait only through it.</summary>
    protected TimeProvider TimeProvider => _time ??= ServiceProvider.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Grains);

    /// <summary>The grain's logger.</summary>
    protected ILogger Logger => _logger ??= ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(GetType());

    /// <summary>The fleet's instruments (<see cref="FleetGrains.AddFleetGrains"/> registers them; null in a silo that did not).</summary>
    protected FleetMetrics? Metrics => _metrics ??= ServiceProvider.GetService<FleetMetrics>();

    /// <summary>The grain's kind in metrics: its class name without "Grain", e.g. <c>task</c>, <c>robot</c>, <c>scenememory</c>.</summary>
    private string Kind => _kind ??= GetType().Name.Replace("Grain", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Cancelled when this activation starts deactivating: pass it to work the grain starts in the background.</summary>
    protected CancellationToken ActivationLifetime => _lifetime.Token;

    private string Silo => ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    private EventSourcingOptions Options => ServiceProvider.GetRequiredService<IOptions<EventSourcingOptions>>().Value;

    /// <summary>
    /// Applies <paramref name="event"/> to <see cref="State"/> and submits it for this call's append. Use this, not
    /// Orleans' unconditional <c>RaiseEvent</c>, which a stale activation would write on top of fresher state.
    /// </summary>
    /// <exception cref="StaleActivationException">This activation is stale and may not change state.</exception>
    protected void Raise(TEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ThrowIfStale();
        TransitionState(State, @event);
        _raised.Add(RaiseConditionalEvent(@event));
        OnRaised(@event);
    }

    /// <summary>Called for each event this activation raises (not for those it replays), once its state has it.</summary>
    protected virtual void OnRaised(TEvent @event)
    {
    }

    /// <summary>Raises each event in order (<see cref="Raise"/>).</summary>
    protected void RaiseAll(IEnumerable<TEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var @event in events)
        {
            Raise(@event);
        }
    }

    /// <summary>Appends the events raised so far, all or nothing, expecting the stream's version.</summary>
    /// <exception cref="StaleActivationException">The stream moved: the events were dropped and the activation deactivates.</exception>
    /// <exception cref="EventStoreUnavailableException">The store did not take them within the write timeout.</exception>
    protected async Task ConfirmEventsAsync()
    {
        if (_raised.Count == 0)
        {
            return;
        }
        var raised = _raised.ToArray();
        _raised.Clear();
        var versionBefore = Version;
        try
        {
            await ConfirmEvents().WaitAsync(Options.WriteTimeout);
        }
        catch (TimeoutException)
        {
            throw new EventStoreUnavailableException(
                $"The event store did not take {raised.Length} event(s) of stream '{StreamId}' within {Options.WriteTimeout.TotalSeconds:0.#} s" +
                (_lastStoreError is { } error ? $"; its last error: {error.Message}" : "") + ". They are retried in the background; retry the call later.",
                _lastStoreError,
                outcomeUnknown: true);
        }
        foreach (var written in raised)
        {
            if (!await written)
            {
                // Orleans dropped the events and reloaded its confirmed state; ours still holds them.
                _stale = true;
                DeactivateOnIdle();
                (_, _working) = await ReplayAsync();
                throw new StaleActivationException(this.GetGrainId().ToString(), Silo, StreamId, versionBefore, Version);
            }
        }
    }

    /// <summary>
    /// Starts a grain timer whose callback's events are appended when it returns (a timer tick is not a call, so the
    /// call filter does not see it). It dies with the activation.
    /// </summary>
    protected IGrainTimer RegisterConfirmingTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options) =>
        this.RegisterGrainTimer(async cancellationToken =>
        {
            await callback(cancellationToken);
            await ConfirmEventsAsync();
        }, options);

    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.Invoke();
        }
        finally
        {
            // Also after a failure: the events are submitted and will be written; the caller must not hear before.
            await ConfirmEventsAsync();
        }
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _lifetime.CancelAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    async Task<KeyValuePair<int, TState>> ICustomStorageInterface<TState, TEvent>.ReadStateFromStorage()
    {
        // Orleans reads on activation and after a refused write; the grain's copy starts from the same events.
        var (version, confirmed, working) = await ReplayAsync(copies: 2);
        if (_raised.Count == 0)
        {
            _working = working;
        }
        return new KeyValuePair<int, TState>(checked((int)version), confirmed);
    }

    /// <summary>The stream's version and state, replayed from the store.</summary>
    private async Task<(long Version, TState State)> ReplayAsync()
    {
        var (version, state, _) = await ReplayAsync(copies: 1);
        return (version, state);
    }

    private async Task<(long Version, TState First, TState Second)> ReplayAsync(int copies)
    {
        var first = new TState();
        var second = copies > 1 ? new TState() : first;
        var version = 0L;
        await foreach (var recorded in _store.ReadStreamAsync(StreamId))
        {
            if (_serializer.Deserialize(recorded) is not TEvent @event)
            {
                throw new InvalidOperationException($"Stream '{recorded.StreamId}' version {recorded.Version} holds a '{recorded.EventType}' event, which is not a {typeof(TEvent).Name}: {GetType().Name} cannot rebuild its state.");
            }
            TransitionState(first, @event);
            if (copies > 1)
            {
                TransitionState(second, @event);
            }
            version = recorded.Version;
        }
        return (version, first, second);
    }

    async Task<bool> ICustomStorageInterface<TState, TEvent>.ApplyUpdatesToStorage(IReadOnlyList<TEvent> updates, int expectedVersion)
    {
        var serialized = updates.Select(e => _serializer.Serialize(e)).ToList();
        var batch = BatchKey(expectedVersion, serialized);
        var events = serialized.Select((e, i) => new EventData(e.EventType, e.Data, $"{batch}:{i}")).ToList();
        var backoff = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                var started = TimeProvider.System.GetTimestamp();
                await _store.AppendAsync(StreamId, ExpectedVersion.Exact(expectedVersion), events);
                Metrics?.Appended(Kind, events.Count, TimeProvider.System.GetElapsedTime(started));
                _lastStoreError = null;
                return true;
            }
            catch (WrongExpectedVersionException)
            {
                return false;
            }
            catch (Exception e) when (e is not ArgumentException && !_lifetime.IsCancellationRequested)
            {
                // Retried here, with the same idempotency keys, not left to Orleans: Orleans would re-read the stream
                // first, find a batch that did commit before its answer was lost, and report it as a conflict.
                _lastStoreError = e;
                Logger.LogWarning(e, "Appending {Count} event(s) to {Stream} failed; retrying in {Delay} ms", events.Count, StreamId, backoff.TotalMilliseconds);
                // Real time, not the grains' clock: a test that holds the grains' clock still wants the store retried.
                await Task.Delay(backoff, TimeProvider.System);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <inheritdoc />
    protected override void OnConnectionIssue(ConnectionIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        if (issue is PrimaryOperationFailed failed)
        {
            _lastStoreError = failed.Exception;
            Logger.LogWarning(failed.Exception, "The event store failed for stream {Stream}; Orleans retries", StreamId);
        }
    }

    /// <inheritdoc />
    protected override void OnConnectionIssueResolved(ConnectionIssue issue) => _lastStoreError = null;

    private void ThrowIfStale()
    {
        if (_stale)
        {
            throw new StaleActivationException(this.GetGrainId().ToString(), Silo, StreamId, Version, Version);
        }
    }

    /// <summary>
    /// The same for a retry of the same batch at the same version, different for any other batch: a stale activation's
    /// different events at that version must still be refused as a conflict.
    /// </summary>
    private string BatchKey(int expectedVersion, List<EventData> events)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{StreamId}\n{expectedVersion}\n"));
        foreach (var e in events)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(e.EventType + "\n"));
            hash.AppendData(e.Data.Span);
        }
        return "orleans:" + Convert.ToHexStringLower(hash.GetHashAndReset())[..40];
    }
}
