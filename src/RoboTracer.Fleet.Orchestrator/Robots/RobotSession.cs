using Grpc.Core;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Orchestrator.Telemetry;
using Wire = RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>
/// One live <c>RobotLink/Connect</c> stream, and the robot grain's way to it: the session is the grain observer
/// (<see cref="IRobotLink"/>) the link hands to the grain, wherever in the cluster the grain lives. Writes from the
/// grain, the link and pings are serialized here, since a gRPC stream takes one write at a time.
/// <see cref="Replace"/> ends the stream when a newer connection of the same robot to this node takes over.
/// </summary>
/// <remarks>
/// A robot that acknowledges commands (<c>Hello.acknowledges_commands</c>) answers each with a
/// <c>CommandAck</c>; a command is delivered when that arrives, and the robot's grain hears of it only then. The
/// robot acknowledges in the order it received the commands, so acks are matched to waiting commands in order.
/// </remarks>
internal sealed class RobotSession(
    RobotId robot,
    IServerStreamWriter<Wire.OrchestratorMessage> writer,
    bool acknowledges,
    TimeSpan ackTimeout,
    TaskTelemetry telemetry,
    CancellationToken callAborted) : IRobotLink, IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _ended = CancellationTokenSource.CreateLinkedTokenSource(callAborted);
    private readonly Lock _acksGate = new();
    private readonly Dictionary<ulong, List<TaskCompletionSource>> _awaitingAck = [];
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RobotId Robot { get; } = robot;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Fires when the call ends or the session is replaced.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>True once a newer connection took over.</summary>
    public bool Replaced { get; private set; }

    /// <inheritdoc />
    public Task ExecuteTraceAsync(ExecuteTraceCommand command, long commandId)
    {
        ArgumentNullException.ThrowIfNull(command);
        var message = LinkMapping.ToWire(command);
        message.ExecuteTrace.CommandId = (ulong)commandId;
        message.ExecuteTrace.Traceparent = telemetry.RobotStepDispatched(command) ?? string.Empty;
        return DeliverAsync(message, (ulong)commandId, $"trace {command.Trace}");
    }

    /// <inheritdoc />
    public Task CancelStepAsync(CancelStepCommand command, long commandId)
    {
        ArgumentNullException.ThrowIfNull(command);
        var message = LinkMapping.ToWire(command);
        message.CancelStep.CommandId = (ulong)commandId;
        return DeliverAsync(message, (ulong)commandId, $"cancel of trace {command.Trace}");
    }

    /// <summary>
    /// Opens the link with the robot's welcome. Commands wait for it: the robot's grain knows the link from the robot's
    /// registration on, which comes first, and a robot expects its welcome before anything else.
    /// </summary>
    public async Task WelcomeAsync(Wire.Welcome welcome, CancellationToken cancellationToken)
    {
        await SendAsync(new Wire.OrchestratorMessage { Welcome = welcome }, cancellationToken);
        _welcomed.TrySetResult();
    }

    /// <summary>The robot acknowledged command <paramref name="commandId"/>; false when no command waited for it.</summary>
    public bool Acknowledge(ulong commandId)
    {
        lock (_acksGate)
        {
            if (!_awaitingAck.TryGetValue(commandId, out var waiting) || waiting.Count == 0)
            {
                return false;
            }
            waiting[0].TrySetResult();
            waiting.RemoveAt(0);
            if (waiting.Count == 0)
            {
                _awaitingAck.Remove(commandId);
            }
            return true;
        }
    }

    public async Task SendAsync(Wire.OrchestratorMessage message, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _ended.Token);
        try
        {
            await _writeLock.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            throw LinkClosed();
        }
        try
        {
            await writer.WriteAsync(message, linked.Token);
        }
        catch (Exception e) when (_ended.IsCancellationRequested || e is IOException or InvalidOperationException)
        {
            throw LinkClosed();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Replace()
    {
        Replaced = true;
        _ended.Cancel();
    }

    public void Dispose()
    {
        _ended.Dispose();
        _writeLock.Dispose();
    }

    private async Task DeliverAsync(Wire.OrchestratorMessage message, ulong commandId, string what)
    {
        try
        {
            await _welcomed.Task.WaitAsync(_ended.Token);
        }
        catch (OperationCanceledException)
        {
            throw LinkClosed();
        }
        if (!acknowledges)
        {
            await SendAsync(message, CancellationToken.None);
            return;
        }
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_acksGate)
        {
            if (!_awaitingAck.TryGetValue(commandId, out var waiting))
            {
                _awaitingAck[commandId] = waiting = [];
            }
            waiting.Add(ack);
        }
        try
        {
            await SendAsync(message, CancellationToken.None);
            await ack.Task.WaitAsync(ackTimeout, _ended.Token);
        }
        catch (TimeoutException)
        {
            throw new RobotUnavailableException(Robot, $"it did not acknowledge command {commandId} ({what}) within {ackTimeout.TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            throw new RobotUnavailableException(Robot, $"its link closed before it acknowledged command {commandId} ({what})");
        }
        finally
        {
            lock (_acksGate)
            {
                if (_awaitingAck.TryGetValue(commandId, out var waiting) && waiting.Remove(ack) && waiting.Count == 0)
                {
                    _awaitingAck.Remove(commandId);
                }
            }
        }
    }

    private RobotUnavailableException LinkClosed() => new(Robot, "its link to the orchestrator closed");
}
