using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Robots;

/// <summary>The robot directory as its events describe it. Changes only through <see cref="Apply"/>.</summary>
public sealed class RobotDirectoryState
{
    private readonly List<RobotId> _robots = [];
    private readonly HashSet<RobotId> _known = [];

    /// <summary>Every robot that ever registered, in registration order.</summary>
    public IReadOnlyList<RobotId> Robots => _robots;

    /// <summary>Whether <paramref name="robot"/> is listed.</summary>
    public bool Contains(RobotId robot) => _known.Contains(robot);

    /// <summary>Applies one event.</summary>
    /// <exception cref="ArgumentException">The event is of a type this state does not know.</exception>
    public void Apply(RobotDirectoryEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        switch (@event)
        {
            case RobotListed e:
                if (_known.Add(e.Robot))
                {
                    _robots.Add(e.Robot);
                }
                break;
            default:
                throw new ArgumentException($"RobotDirectoryState does not know event {@event.GetType().Name}.", nameof(@event));
        }
    }
}
