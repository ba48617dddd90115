using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;
using RoboTracer.Fleet.Grains.EventSourcing;

namespace RoboTracer.Fleet.Grains.Tests.EventSourcing;

public abstract record CounterEvent;

public sealed record CounterAdded(int Amount) : CounterEvent;

public sealed class CounterState
{
    public long Total { get; private set; }

    public void Apply(CounterEvent @event)
    {
        if (@event is CounterAdded added)
        {
            Total += added.Amount;
        }
    }
}

[JsonSerializable(typeof(CounterAdded))]
public sealed partial class CounterJson : JsonSerializerContext
{
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> AddAsync(int amount);

    Task<long> GetAsync();

    Task<long> GetVersionAsync();

    Task AddThenFailAsync(int amount);

    /// <summary>Adds <paramref name="amount"/> on a grain timer tick, after <paramref name="after"/> on the grains' clock.</summary>
    Task AddOnTimerAsync(int amount, TimeSpan after);
}

/// <summary>What the counter grains of one cluster did: activations and deactivations, by key.</summary>
public sealed class CounterProbe
{
    public ConcurrentQueue<(string Key, DeactivationReasonCode Reason)> Deactivations { get; } = new();

    public int Activations;

    public TaskCompletionSource Deactivated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Ticked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

[GenerateSerializer]
public sealed class CounterException(string message) : Exception(message);

/// <summary>An event-sourced grain in the JournaledTodoList style: events in, state out, changes only in Apply.</summary>
public sealed class CounterGrain(IEventStore store, CounterProbe probe) : EventSourcedGrain<CounterState, CounterEvent>(store, Serializer), ICounterGrain
{
    public static readonly EventSerializer Serializer = new([EventTypeRegistration.Create(CounterJson.Default.CounterAdded)]);

    protected override string StreamId => "counter-" + this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        Interlocked.Increment(ref probe.Activations);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Deactivations.Enqueue((this.GetPrimaryKeyString(), reason.ReasonCode));
        probe.Deactivated.TrySetResult();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    // No explicit confirm: a call's events are appended before it answers.
    public Task<long> AddAsync(int amount)
    {
        Raise(new CounterAdded(amount));
        return Task.FromResult(State.Total);
    }

    public Task<long> GetAsync() => Task.FromResult(State.Total);

    public Task<long> GetVersionAsync() => Task.FromResult(TentativeVersion);

    public Task AddThenFailAsync(int amount)
    {
        Raise(new CounterAdded(amount));
        throw new CounterException("changed my mind");
    }

    public Task AddOnTimerAsync(int amount, TimeSpan after)
    {
        RegisterConfirmingTimer(_ =>
        {
            Raise(new CounterAdded(amount));
            probe.Ticked.TrySetResult();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions { DueTime = after, Period = Timeout.InfiniteTimeSpan });
        return Task.CompletedTask;
    }

    protected override void TransitionState(CounterState state, CounterEvent @event) => state.Apply(@event);
}
