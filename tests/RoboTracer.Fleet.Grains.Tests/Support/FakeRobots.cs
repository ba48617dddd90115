using System.Collections.Concurrent;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Grains.Robots;

namespace RoboTracer.Fleet.Grains.Tests.Support;

/// <summary>
/// Robots on the far side of their links: one observer (<see cref="IRobotLink"/>, created in the test's cluster
/// client) for all of them, since commands name their robot. A robot in auto mode reports accepted, executing and
/// succeeded for every trace it gets, from outside the grain (a real robot answers over the network later,
/// never inside the grain's call); a held robot only records what it gets.
/// </summary>
public sealed class FakeRobots : IRobotLink
{
    private readonly ConcurrentQueue<object> _commands = new();
    private readonly ConcurrentQueue<long> _commandIds = new();
    private readonly ConcurrentDictionary<RobotId, Func<ExecuteTraceCommand, bool>> _hold = new();
    private readonly ConcurrentDictionary<RobotId, Func<ExecuteTraceCommand, bool>> _lose = new();
    private readonly ConcurrentDictionary<RobotId, long> _lastExecuted = new();
    private readonly ConcurrentQueue<ExecuteTraceCommand> _redelivered = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<object, bool> Match, TaskCompletionSource<object> Done)> _waiters = [];

    public IGrainFactory Grains { get; set; } = null!;

    public IReadOnlyList<ExecuteTraceCommand> Executed => [.. _commands.OfType<ExecuteTraceCommand>()];

    public IReadOnlyList<CancelStepCommand> Cancelled => [.. _commands.OfType<CancelStepCommand>()];

    /// <summary>The robot only records the traces <paramref name="when"/> selects (default: all) and reports nothing on them.</summary>
    public void Hold(RobotId robot, Func<ExecuteTraceCommand, bool>? when = null) => _hold[robot] = when ?? (_ => true);

    public void Auto(RobotId robot) => _hold.TryRemove(robot, out _);

    /// <summary>The command ids the robots were given, in order.</summary>
    public IReadOnlyList<long> CommandIds => [.. _commandIds];

    /// <summary>Traces sent again under an id the robot had executed already: acknowledged and not executed, as a real robot does.</summary>
    public IReadOnlyList<ExecuteTraceCommand> Redelivered => [.. _redelivered];

    /// <summary>
    /// The next trace <paramref name="when"/> selects never reaches its robot, as when the link it went down died with
    /// its silo and the failure went to a task activation that died too; later ones arrive.
    /// </summary>
    public void LoseNext(RobotId robot, Func<ExecuteTraceCommand, bool> when) => _lose[robot] = when;

    public Task ExecuteTraceAsync(ExecuteTraceCommand command, long commandId)
    {
        _commandIds.Enqueue(commandId);
        if (_lose.TryGetValue(command.Robot, out var lose) && lose(command) && _lose.TryRemove(new(command.Robot, lose)))
        {
            return Task.CompletedTask;
        }
        if (_lastExecuted.TryGetValue(command.Robot, out var last) && commandId <= last)
        {
            _redelivered.Enqueue(command);
            return Task.CompletedTask;
        }
        _lastExecuted[command.Robot] = commandId;
        Record(command);
        if (!(_hold.TryGetValue(command.Robot, out var hold) && hold(command)))
        {
            _ = Task.Run(() => CompleteAsync(command));
        }
        return Task.CompletedTask;
    }

    public Task CancelStepAsync(CancelStepCommand command, long commandId)
    {
        _commandIds.Enqueue(commandId);
        Record(command);
        return Task.CompletedTask;
    }

    /// <summary>How long a robot in auto mode takes between half done and done (default: no time).</summary>
    public TimeSpan StepDuration { get; set; }

    /// <summary>Reports the trace accepted, half done, then (after <see cref="StepDuration"/>) succeeded.</summary>
    public async Task CompleteAsync(ExecuteTraceCommand command)
    {
        await ReportAsync(command.Robot, new RobotStepUpdate(command.Task, command.StepIndex, command.Trace, RobotStepState.Accepted, 0));
        await ReportAsync(command.Robot, new RobotStepUpdate(command.Task, command.StepIndex, command.Trace, RobotStepState.Executing, 0.5));
        if (StepDuration > TimeSpan.Zero)
        {
            await Task.Delay(StepDuration);
        }
        await ReportAsync(command.Robot, new RobotStepUpdate(command.Task, command.StepIndex, command.Trace, RobotStepState.Succeeded, 1));
    }

    /// <summary>
    /// Reports like a robot whose report did not get through: again, until it does. While a silo is dying, calls
    /// to the grains it held fail until the cluster has declared it dead; a call on a cluster client that was
    /// killed never answers, so each attempt is given a few seconds, and the next one goes through
    /// <see cref="Grains"/> as it is then.
    /// </summary>
    private async Task ReportAsync(RobotId robotId, RobotStepUpdate update)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Grains.GetGrain<IRobotGrain>(robotId.Value).ReportStepUpdateAsync(update).WaitAsync(TimeSpan.FromSeconds(5));
                return;
            }
            catch (Exception e) when (e is not ArgumentException && attempt < 60)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    /// <summary>The first execute command (already received or still to come) that matches.</summary>
    public async Task<ExecuteTraceCommand> WaitForExecuteAsync(Func<ExecuteTraceCommand, bool> match) =>
        (ExecuteTraceCommand)await WaitForAsync(c => c is ExecuteTraceCommand e && match(e));

    public async Task<CancelStepCommand> WaitForCancelAsync(Func<CancelStepCommand, bool> match) =>
        (CancelStepCommand)await WaitForAsync(c => c is CancelStepCommand e && match(e));

    private Task<object> WaitForAsync(Func<object, bool> match)
    {
        lock (_gate)
        {
            if (_commands.FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }
            var done = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(Wait.Timeout);
        }
    }

    private void Record(object command)
    {
        lock (_gate)
        {
            _commands.Enqueue(command);
            foreach (var waiter in _waiters.Where(w => w.Match(command)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(command);
            }
        }
    }
}
