using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>The robot directory.</summary>
public sealed class RobotDirectoryGrain(IEventStore store, EventSerializer serializer)
    : EventSourcedGrain<RobotDirectoryState, RobotDirectoryEvent>(store, serializer), IRobotDirectoryGrain
{
    /// <summary>The directory's one key.</summary>
    public const string Key = "fleet";

    /// <inheritdoc />
    protected override string StreamId => FleetStreams.RobotDirectory;

    /// <inheritdoc />
    public Task AddAsync(RobotId robot)
    {
        if (!State.Contains(robot))
        {
            Raise(new RobotListed(robot, TimeProvider.GetUtcNow()));
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RobotId>> GetRobotsAsync() => Task.FromResult<IReadOnlyList<RobotId>>([.. State.Robots]);

    /// <inheritdoc />
    protected override void TransitionState(RobotDirectoryState state, RobotDirectoryEvent @event) => state.Apply(@event);
}
