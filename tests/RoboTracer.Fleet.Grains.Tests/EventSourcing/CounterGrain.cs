using System.Text.Json.Serialization;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;
using RoboTracer.Fleet.Grains.Runtime;

namespace RoboTracer.Fleet.Grains.Tests.Runtime;

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
}

/// <summary>A journaled grain in the JournaledTodoList style: events in, state out, changes only in Apply.</summary>
public sealed class CounterGrain(IEventStore store, Probe probe)
    : JournaledGrain<CounterState, CounterEvent>(store, Serializer), ICounterGrain
{
    public static readonly EventSerializer Serializer = new([EventTypeRegistration.Create(CounterJson.Default.CounterAdded)]);

    protected override string StreamId => "counter-" + GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Deactivations.Enqueue(reason);
        probe.Gate($"deactivated-{reason.ReasonCode}").TrySetResult();
        return Task.CompletedTask;
    }

    // No explicit confirm: the runtime appends a turn's events before it answers.
    public Task<long> AddAsync(int amount)
    {
        RaiseEvent(new CounterAdded(amount));
        return Task.FromResult(State.Total);
    }

    public Task<long> GetAsync() => Task.FromResult(State.Total);

    public Task<long> GetVersionAsync() => Task.FromResult(Version);

    public Task AddThenFailAsync(int amount)
    {
        RaiseEvent(new CounterAdded(amount));
        throw new ProbeException("changed my mind");
    }

    protected override void TransitionState(CounterState state, CounterEvent @event) => state.Apply(@event);
}
