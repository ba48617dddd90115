using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// The silo of this node: it holds the grain classes, the directory of activations (one per grain key), and
/// delivers every call through placement to the owning activation's mailbox. Disposing it deactivates every
/// activation (running turns finish, <see cref="Grain.OnDeactivateAsync"/> runs) and fails later calls with
/// <see cref="ObjectDisposedException"/>.
/// </summary>
/// <remarks>
/// A call is a message: the proxy behind a reference builds it, <see cref="IGrainPlacement"/> names the node,
/// and the local directory finds or creates the activation. Arguments and results are passed by reference, not
/// copied as Orleans does: pass immutable values (records) across grains.
/// </remarks>
public sealed class GrainRuntime : IGrainFactory, IAsyncDisposable
{
    private static readonly Task<Unit> OneWaySent = Task.FromResult(default(Unit));

    private readonly ConcurrentDictionary<Type, GrainTypeRegistration> _byInterface = new();
    private readonly ConcurrentDictionary<string, GrainTypeRegistration> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly IGrainPlacement _placement;
    private readonly ITimer _collector;
    private int _stopping;

    /// <summary>Creates a runtime; register grain classes with <see cref="AddGrain{TGrainInterface, TGrain}"/> before calling them.</summary>
    public GrainRuntime(GrainRuntimeOptions? options = null)
    {
        Options = options ?? new GrainRuntimeOptions();
        Options.Validate();
        Logger = Options.LoggerFactory.CreateLogger<GrainRuntime>();
        _placement = Options.Placement ?? new LocalGrainPlacement(Options.NodeId);
        _collector = Options.TimeProvider.CreateTimer(static state => ((GrainRuntime)state!).CollectIdle(), this, Options.CollectionQuantum, Options.CollectionQuantum);
    }

    /// <summary>The options it runs with.</summary>
    public GrainRuntimeOptions Options { get; }

    /// <summary>This node's id.</summary>
    public string NodeId => Options.NodeId;

    /// <summary>The clock grains and timers use.</summary>
    public TimeProvider TimeProvider => Options.TimeProvider;

    /// <summary>How many activations this node holds now.</summary>
    public int ActivationCount => _activations.Count;

    internal ILogger Logger { get; }

    private bool IsStopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>Registers the class that implements a grain interface, and how to create an instance.</summary>
    /// <exception cref="ArgumentException">The interface has a method that does not return a task, or a property.</exception>
    /// <exception cref="InvalidOperationException">The interface is registered already.</exception>
    public GrainRuntime AddGrain<TGrainInterface, TGrain>(Func<TGrain> factory)
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        ArgumentNullException.ThrowIfNull(factory);
        try
        {
            GrainMethod.ValidateInterface(typeof(TGrainInterface));
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(e.Message, nameof(TGrainInterface), e);
        }
        var registration = new GrainTypeRegistration(
            typeof(TGrainInterface),
            typeof(TGrain),
            typeof(TGrainInterface).FullName!,
            () => factory() ?? throw new InvalidOperationException($"The factory of {typeof(TGrain).Name} returned null."),
            typeof(TGrain).IsDefined(typeof(ReentrantAttribute), inherit: false));
        if (!_byInterface.TryAdd(typeof(TGrainInterface), registration))
        {
            throw new InvalidOperationException($"{typeof(TGrainInterface).Name} is registered already.");
        }
        _byName[registration.TypeName] = registration;
        return this;
    }

    /// <inheritdoc />
    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(primaryKey);
        if (!_byInterface.TryGetValue(typeof(TGrainInterface), out var registration))
        {
            throw new InvalidOperationException($"No grain class is registered for {typeof(TGrainInterface).Name}: call AddGrain<{typeof(TGrainInterface).Name}, TGrain>(...) first.");
        }
        return GrainReference.Create<TGrainInterface>(this, new GrainId(registration.TypeName, primaryKey));
    }

    /// <summary>
    /// Deactivates, now, every activation idle for at least <paramref name="ageLimit"/> (Orleans'
    /// <c>ForceActivationCollection</c>) and returns how many, once they are gone.
    /// </summary>
    public async Task<int> ForceActivationCollectionAsync(TimeSpan ageLimit)
    {
        var now = TimeProvider.GetUtcNow();
        var collected = _activations.Values.Where(a => a.TryDeactivateIfIdle(now, ageLimit)).ToList();
        await Task.WhenAll(collected.Select(a => a.Deactivated));
        return collected.Count;
    }

    /// <summary>Deactivates every activation and stops accepting calls.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return;
        }
        await _collector.DisposeAsync();
        var reason = new DeactivationReason(DeactivationReasonCode.RuntimeShutdown, "the runtime is shutting down");
        // Real time on purpose: this bounds a shutdown that a stuck turn would otherwise hang forever.
        using var timeout = new CancellationTokenSource(Options.ShutdownTimeout);
        while (!_activations.IsEmpty)
        {
            var activations = _activations.Values.ToArray();
            foreach (var activation in activations)
            {
                activation.RequestDeactivation(reason);
            }
            try
            {
                await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Logger.LogWarning("Shutdown gave up on {Count} activations still running a turn after {Timeout}", _activations.Count, Options.ShutdownTimeout);
                break;
            }
        }
    }

    internal Task<T> Invoke<T>(GrainId id, GrainMethod method, object?[]? args)
    {
        var call = new GrainCall<T>(id, method, args, Logger);
        Dispatch(id, call);
        return method.IsOneWay ? (Task<T>)(object)OneWaySent : call.Task;
    }

    internal void Dispatch(GrainId id, WorkItem item)
    {
        if (IsStopping)
        {
            item.Fail(Stopped());
            return;
        }
        if (_placement is LocalGrainPlacement)
        {
            // Every grain is here: skip asking (and the address it would allocate on every call).
            DispatchLocal(id, item);
            return;
        }
        ValueTask<GrainAddress> placed;
        try
        {
            placed = _placement.PlaceAsync(id);
        }
        catch (Exception e)
        {
            item.Fail(e);
            return;
        }
        if (placed.IsCompletedSuccessfully)
        {
            DispatchTo(placed.Result, item);
        }
        else
        {
            _ = DispatchWhenPlacedAsync(placed, item);
        }
    }

    /// <summary>Sends a call that <paramref name="from"/> will not run to the grain's next activation, once <paramref name="from"/> is gone.</summary>
    internal void Forward(GrainId id, WorkItem item, GrainActivation from) => _ = ForwardAsync(id, item, from);

    internal void Remove(GrainActivation activation) => _activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(activation.Id, activation));

    private async Task ForwardAsync(GrainId id, WorkItem item, GrainActivation from)
    {
        await from.Deactivated;
        Dispatch(id, item);
    }

    private async Task DispatchWhenPlacedAsync(ValueTask<GrainAddress> placed, WorkItem item)
    {
        GrainAddress address;
        try
        {
            address = await placed;
        }
        catch (Exception e)
        {
            item.Fail(e);
            return;
        }
        DispatchTo(address, item);
    }

    private void DispatchTo(GrainAddress address, WorkItem item)
    {
        var id = address.Grain;
        if (!address.IsLocal)
        {
            // The seam for scale-out: a remote owner gets the call over gRPC once a forwarder exists (DESIGN.md §5).
            item.Fail(new GrainPlacementException(id, address.NodeId, $"Grain {id} is owned by node '{address.NodeId}'; node '{NodeId}' cannot forward calls to other nodes yet."));
            return;
        }
        DispatchLocal(id, item);
    }

    private void DispatchLocal(GrainId id, WorkItem item)
    {
        if (!_byName.TryGetValue(id.Type, out var registration))
        {
            item.Fail(new InvalidOperationException($"No grain class is registered for grain type {id.Type}."));
            return;
        }
        while (true)
        {
            if (IsStopping)
            {
                item.Fail(Stopped());
                return;
            }
            var activation = _activations.GetOrAdd(id, static (key, state) => new GrainActivation(state.Runtime, state.Registration, key), (Runtime: this, Registration: registration));
            if (activation.TryEnqueue(item))
            {
                return;
            }
            if (!activation.Deactivated.IsCompleted)
            {
                Forward(id, item, activation);
                return;
            }
            _activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(id, activation));
        }
    }

    private void CollectIdle()
    {
        if (IsStopping)
        {
            return;
        }
        var now = TimeProvider.GetUtcNow();
        foreach (var activation in _activations.Values)
        {
            activation.TryDeactivateIfIdle(now, Options.CollectionAge);
        }
    }

    private ObjectDisposedException Stopped() => new(nameof(GrainRuntime), $"The grain runtime of node '{NodeId}' is shut down.");
}
