using System.Runtime.ExceptionServices;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>Which grain a robot's message goes to, and so which lane keeps its order.</summary>
internal enum LinkLane
{
    /// <summary>Heartbeats and step reports, to the robot's grain.</summary>
    Robot,

    /// <summary>Observations, to scene memory.</summary>
    Scene,
}

/// <summary>
/// The handling of one robot link's messages, in two lanes that run side by side: each lane handles its messages
/// one after another, in the order they arrived, so a step report and the observation the robot sends right after
/// it are written at the same time instead of one after the other. At most <see cref="MaxInFlight"/> messages
/// wait at once; reading stops while the window is full. The first failure stops both lanes (later messages are
/// dropped unhandled), stops the reading, and is thrown by <see cref="ThrowIfFaulted"/>.
/// </summary>
internal sealed class LinkLanes : IDisposable
{
    /// <summary>Messages read and not yet handled, per link.</summary>
    public const int MaxInFlight = 32;

    private readonly SemaphoreSlim _window = new(MaxInFlight);
    private readonly CancellationTokenSource _reading;
    private Task _robot = Task.CompletedTask;
    private Task _scene = Task.CompletedTask;
    private Exception? _fault;

    /// <summary>Creates the lanes of a link that reads until <paramref name="linkEnded"/>.</summary>
    public LinkLanes(CancellationToken linkEnded) => _reading = CancellationTokenSource.CreateLinkedTokenSource(linkEnded);

    /// <summary>Cancelled when the link ends or a message failed: reading must stop.</summary>
    public CancellationToken Reading => _reading.Token;

    /// <summary>The first failure, if any.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Queues <paramref name="handle"/> behind the messages of its lane; waits while the window is full.</summary>
    public async Task PostAsync(LinkLane lane, Func<Task> handle)
    {
        ThrowIfFaulted();
        await _window.WaitAsync(Reading);
        if (lane == LinkLane.Robot)
        {
            _robot = RunAfterAsync(_robot, handle);
        }
        else
        {
            _scene = RunAfterAsync(_scene, handle);
        }
    }

    /// <summary>Waits until every queued message has been handled (or dropped after a failure).</summary>
    public Task DrainAsync() => Task.WhenAll(_robot, _scene);

    /// <summary>Throws the first failure, as it was thrown.</summary>
    public void ThrowIfFaulted()
    {
        if (Fault is { } fault)
        {
            ExceptionDispatchInfo.Throw(fault);
        }
    }

    public void Dispose()
    {
        _reading.Dispose();
        _window.Dispose();
    }

    private async Task RunAfterAsync(Task previous, Func<Task> handle)
    {
        // The previous task never throws: failures are kept in _fault.
        await previous;
        try
        {
            if (Fault is null)
            {
                await handle();
            }
        }
        catch (Exception e)
        {
            if (Interlocked.CompareExchange(ref _fault, e, null) is null)
            {
                _reading.Cancel();
            }
        }
        finally
        {
            _window.Release();
        }
    }
}
