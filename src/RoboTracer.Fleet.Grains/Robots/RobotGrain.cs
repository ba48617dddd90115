using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Serialization;
using RoboTracer.Fleet.Grains.EventSourcing;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Robots;

/// <summary>
/// One robot. Connection state follows heartbeats: a grain timer (kept alive while the robot is online) marks
/// it offline when the last heartbeat is older than <see cref="RobotOptions.HeartbeatTimeout"/>. The time of the
/// last heartbeat is not an event (it changes every second); after a restart an online robot gets a full
/// timeout from the activation to be heard from again.
/// </summary>
/// <remarks>
/// <para>
/// Calls go one way only: task grains call robots, and a robot tells its task about step updates and
/// connection changes with one-way calls, so the two never wait on each other.
/// </para>
/// <para>
/// Commands go out through the robot's link (<see cref="IRobotLink"/>, on the silo the robot is connected to), and
/// only after they are recorded: an activation that can no longer write (a stale duplicate during a membership
/// change) cannot command the robot either. The link is not state: a reactivated grain learns it again from the
/// robot's next heartbeat.
/// </para>
/// </remarks>
public sealed class RobotGrain(IEventStore store, EventSerializer serializer, RobotOptions options)
    : EventSourcedGrain<RobotState, RobotEvent>(store, serializer), IRobotGrain
{
    private DateTimeOffset? _lastHeartbeat;
    private IGrainTimer? _heartbeatCheck;
    private const int CancelledTracesKept = 64;

    private IRobotLink? _link;
    private readonly HashSet<TraceId> _cancelledTraces = [];
    private readonly Queue<TraceId> _cancelledOrder = new();

    /// <inheritdoc />
    protected override string StreamId => FleetStreams.Robot(Id);

    private RobotId Id => new(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (State.Connection == RobotConnection.Online)
        {
            _lastHeartbeat = TimeProvider.GetUtcNow();
            StartHeartbeatCheck();
        }
    }

    /// <inheritdoc />
    public async Task<RobotStatus> RegisterAsync(RobotRegistration registration, IRobotLink link)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(link);
        if (registration.Problem() is { } problem)
        {
            throw new ArgumentException($"Robot '{Id}' cannot register: {problem}.", nameof(registration));
        }
        var now = TimeProvider.GetUtcNow();
        var first = !State.IsRegistered;
        if (first || State.Scene != registration.Scene || !SameCapabilities(State.Capabilities!, registration.Capabilities))
        {
            Raise(new RobotRegistered(Id, registration.Capabilities, registration.Scene, now));
        }
        var cameOnline = MarkHeard(now);
        await ConfirmEventsAsync();
        _link = link;
        if (first)
        {
            await GrainFactory.GetRobotDirectory().AddAsync(Id);
        }
        if (cameOnline)
        {
            NotifyTask(RobotConnection.Online);
        }
        return Status();
    }

    /// <inheritdoc />
    public async Task<RobotStatus> HeartbeatAsync(RobotHeartbeat heartbeat, IRobotLink link)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        ArgumentNullException.ThrowIfNull(link);
        ThrowIfUnregistered();
        if (heartbeat.Battery is { } battery && !(battery >= 0 && battery <= 1))
        {
            throw new ArgumentException($"Robot '{Id}' reported battery {battery}; it is a fraction within 0..1.", nameof(heartbeat));
        }
        if (heartbeat.Pose is { } pose && !pose.Position.IsFinite)
        {
            throw new ArgumentException($"Robot '{Id}' reported a non-finite position.", nameof(heartbeat));
        }
        var now = TimeProvider.GetUtcNow();
        var cameOnline = MarkHeard(now);
        var batteryMoved = heartbeat.Battery is { } b && (State.Battery is not { } last || Math.Abs(b - last) >= options.TelemetryBatteryDelta);
        var poseMoved = heartbeat.Pose is { } p && (State.Pose is not { } lastPose || p.Position.DistanceTo(lastPose.Position) >= options.TelemetryPoseDelta);
        if (batteryMoved || poseMoved)
        {
            Raise(new RobotTelemetryRecorded(heartbeat.Battery, heartbeat.Pose, now));
        }
        await ConfirmEventsAsync();
        _link = link;
        if (cameOnline)
        {
            NotifyTask(RobotConnection.Online);
        }
        return Status();
    }

    /// <inheritdoc />
    public async Task<RobotStatus> DisconnectAsync(string reason, IRobotLink? link)
    {
        if (link is not null && _link is not null && !_link.Equals(link))
        {
            // A link the robot has since replaced (maybe on another silo) ended: the newer one speaks for the robot.
            return Status();
        }
        _link = null;
        if (State.Connection == RobotConnection.Online)
        {
            await GoOfflineAsync(string.IsNullOrWhiteSpace(reason) ? "the robot disconnected" : reason);
        }
        return Status();
    }

    /// <inheritdoc />
    public Task<RobotStatus> GetStatusAsync() => Task.FromResult(Status());

    /// <inheritdoc />
    public Task<RobotStepUpdate?> GetLastReportAsync(TraceId trace) =>
        Task.FromResult(State.LastReport is { } report && report.Trace == trace ? report : null);

    /// <inheritdoc />
    public Task<bool> TryReserveAsync(TaskId task)
    {
        ThrowIfUnregistered();
        if (State.ReservedBy == task)
        {
            return Task.FromResult(true);
        }
        if (State.ReservedBy is not null || State.Connection != RobotConnection.Online)
        {
            return Task.FromResult(false);
        }
        Raise(new RobotReserved(task, TimeProvider.GetUtcNow()));
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(TaskId task, string reason)
    {
        if (State.ReservedBy != task)
        {
            return Task.FromResult(false);
        }
        Raise(new RobotReleased(task, reason, TimeProvider.GetUtcNow()));
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public async Task ExecuteStepAsync(ExecuteTraceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ThrowIfUnregistered();
        if (State.ReservedBy != command.Task)
        {
            throw new RobotUnavailableException(Id, State.ReservedBy is { } other ? $"it is held by task '{other}', not '{command.Task}'" : $"task '{command.Task}' has not reserved it");
        }
        if (State.Connection != RobotConnection.Online)
        {
            throw new RobotUnavailableException(Id, "it is offline");
        }
        if (TraceValidator.Problem(command.Points, State.Capabilities!.Workspace, null, options.WorkspaceTolerance) is { } problem)
        {
            throw new ArgumentException($"Trace '{command.Trace}' was not sent to robot '{Id}': {problem}.", nameof(command));
        }
        if (_cancelledTraces.Contains(command.Trace))
        {
            // A dispatch that arrives after its own cancel: sent by a task activation that has since died (its silo was
            // killed with the call on the wire) and been replaced by one that cancelled the trace and traced the step
            // again. Sending it would run the step twice.
            throw new InvalidOperationException($"Trace '{command.Trace}' was not sent to robot '{Id}': its task cancelled it before the dispatch arrived.");
        }
        var link = _link ?? throw new RobotNotLinkedException(Id);
        if (State.CurrentStep is { } current && current.Trace == command.Trace && current.Task == command.Task)
        {
            // Sent before, by a task activation that has since been replaced: the command may have died with the link
            // of a silo that was killed. Sent again under its first id, so a robot that did get it only acknowledges it.
            await SendAsync(link, l => l.ExecuteTraceAsync(command, State.CurrentCommandId));
            return;
        }
        Raise(new RobotStepDispatched(command.Task, command.StepIndex, command.Trace, TimeProvider.GetUtcNow()));
        var commandId = State.CurrentCommandId;
        // Recorded before it goes out: a stale activation fails here and sends nothing.
        await ConfirmEventsAsync();
        await SendAsync(link, l => l.ExecuteTraceAsync(command, commandId));
    }

    /// <inheritdoc />
    public async Task CancelStepAsync(CancelStepCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        RememberCancelled(command.Trace);
        if (State.CurrentStep?.Trace == command.Trace)
        {
            Raise(new RobotStepCancelRequested(command.Task, command.StepIndex, command.Trace, command.Reason, TimeProvider.GetUtcNow()));
            await ConfirmEventsAsync();
        }
        if (State.Connection != RobotConnection.Online || _link is not { } link)
        {
            return;
        }
        try
        {
            await SendAsync(link, l => l.CancelStepAsync(command, TentativeVersion));
        }
        catch (RobotUnavailableException e)
        {
            // The task has moved on either way; a robot that missed the cancel reports on a stale trace, which is ignored.
            Logger.LogWarning(e, "Cancel of trace {Trace} did not reach robot {Robot}", command.Trace, Id);
        }
    }

    /// <summary>
    /// Remembers a cancelled trace, so that a dispatch of it that arrives late is refused (<see cref="ExecuteStepAsync"/>).
    /// A trace is never sent again once cancelled (a step traced again gets a new id), and such a late dispatch comes
    /// within moments of its cancel, so the last <see cref="CancelledTracesKept"/> in this activation are enough.
    /// </summary>
    private void RememberCancelled(TraceId trace)
    {
        if (_cancelledTraces.Add(trace))
        {
            _cancelledOrder.Enqueue(trace);
            if (_cancelledOrder.Count > CancelledTracesKept)
            {
                _cancelledTraces.Remove(_cancelledOrder.Dequeue());
            }
        }
    }

    /// <summary>
    /// Sends a command down <paramref name="link"/>. Whatever stops it (the link closed or the robot did not
    /// acknowledge, which the link says with <see cref="RobotUnavailableException"/>; the link's silo is gone, which
    /// Orleans says) reaches the caller as <see cref="RobotUnavailableException"/>. A link that Orleans could not
    /// reach is forgotten until the robot's next heartbeat brings the live one.
    /// </summary>
    private async Task SendAsync(IRobotLink link, Func<IRobotLink, Task> send)
    {
        try
        {
            await send(link);
        }
        catch (RobotUnavailableException)
        {
            throw;
        }
        catch (Exception e)
        {
            if (ReferenceEquals(_link, link))
            {
                _link = null;
            }
            throw new RobotUnavailableException(Id, $"the command did not reach its link: {e.Message}");
        }
    }

    /// <inheritdoc />
    public async Task<bool> ReportStepUpdateAsync(RobotStepUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Problem() is { } problem)
        {
            throw new ArgumentException($"Robot '{Id}' sent a malformed step update: {problem}.", nameof(update));
        }
        ThrowIfUnregistered();
        var now = TimeProvider.GetUtcNow();
        var cameOnline = MarkHeard(now);
        var current = State.CurrentStep is { } step && step.Trace == update.Trace && step.Task == update.Task && step.StepIndex == update.StepIndex;
        if (current)
        {
            Raise(new RobotStepReported(update, now));
        }
        await ConfirmEventsAsync();
        if (cameOnline)
        {
            NotifyTask(RobotConnection.Online);
        }
        if (!current)
        {
            Logger.LogDebug("Robot {Robot} reported on trace {Trace}, which is not its current one: ignored", Id, update.Trace);
            return false;
        }
        _ = GrainFactory.GetTask(update.Task).OnStepUpdateAsync(update.ReceivedAt is null ? update with { ReceivedAt = now } : update);
        return true;
    }

    /// <inheritdoc />
    protected override void TransitionState(RobotState state, RobotEvent @event) => state.Apply(@event);

    /// <summary>Notes that the robot was heard from; true when that brought it online.</summary>
    private bool MarkHeard(DateTimeOffset now)
    {
        _lastHeartbeat = now;
        if (State.Connection == RobotConnection.Online)
        {
            return false;
        }
        Raise(new RobotWentOnline(now));
        StartHeartbeatCheck();
        return true;
    }

    private async Task GoOfflineAsync(string reason)
    {
        Raise(new RobotWentOffline(reason, TimeProvider.GetUtcNow()));
        await ConfirmEventsAsync();
        _heartbeatCheck?.Dispose();
        _heartbeatCheck = null;
        NotifyTask(RobotConnection.Offline);
    }

    private void StartHeartbeatCheck()
    {
        // Kept alive: an online robot's grain must stay to notice the silence.
        _heartbeatCheck ??= RegisterConfirmingTimer(
            CheckHeartbeatAsync,
            new GrainTimerCreationOptions { DueTime = options.HeartbeatCheckInterval, Period = options.HeartbeatCheckInterval, KeepAlive = true });
    }

    private async Task CheckHeartbeatAsync(CancellationToken cancellationToken)
    {
        var silence = TimeProvider.GetUtcNow() - (_lastHeartbeat ?? DateTimeOffset.MinValue);
        if (State.Connection == RobotConnection.Online && silence > options.HeartbeatTimeout)
        {
            await GoOfflineAsync($"no heartbeat for {silence.TotalSeconds:0.#} s (timeout {options.HeartbeatTimeout.TotalSeconds:0.#} s)");
        }
    }

    private void NotifyTask(RobotConnection connection)
    {
        if (State.ReservedBy is { } task)
        {
            _ = GrainFactory.GetTask(task).OnRobotConnectionChangedAsync(Id, connection);
        }
    }

    private void ThrowIfUnregistered()
    {
        if (!State.IsRegistered)
        {
            throw new UnknownRobotException(Id);
        }
    }

    private RobotStatus Status() => new(
        Id,
        State.IsRegistered,
        State.Capabilities,
        State.Scene,
        State.Connection,
        _lastHeartbeat,
        State.Battery,
        State.Pose,
        State.ReservedBy,
        State.CurrentStep,
        TentativeVersion);

    private static bool SameCapabilities(RobotCapabilities a, RobotCapabilities b) =>
        a.Kind == b.Kind
        && a.Workspace == b.Workspace
        && a.MaxReachMetres.Equals(b.MaxReachMetres)
        && a.MaxPayloadKg.Equals(b.MaxPayloadKg)
        && a.Actions.SetEquals(b.Actions);
}
