using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// One activation of one grain on this node: the grain instance, its mailbox and the pump that runs the
/// mailbox's messages as turns.
/// </summary>
/// <remarks>
/// <para>
/// Turn-based execution: grain code runs on this activation's exclusive scheduler (one
/// <see cref="ConcurrentExclusiveSchedulerPair"/> per activation), and <c>await</c> in grain code resumes on it,
/// so two pieces of grain code never run at the same time. On top of that the pump awaits each turn before it
/// starts the next, so a non-reentrant grain handles one message from start to finish before the next one,
/// across awaits. A <see cref="ReentrantAttribute"/> grain's turns and <see cref="AlwaysInterleaveAttribute"/>
/// calls are started without waiting for the turn before them: they interleave at awaits, never in parallel.
/// </para>
/// <para>
/// Lifecycle: Activating → Valid → Deactivating → Deactivated. Deactivation completes the mailbox; calls
/// still in it, and calls arriving from then on, are forwarded to the next activation of the same grain, which
/// the runtime creates only after this one is gone (so two activations of a key never overlap on a node).
/// </para>
/// </remarks>
internal sealed partial class GrainActivation
{
    private readonly GrainRuntime _runtime;
    private readonly GrainTypeRegistration _type;
    private readonly Channel<WorkItem> _mailbox = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskScheduler _scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private readonly List<GrainTimer> _timers = [];
    private readonly HashSet<Task> _interleavedTurns = [];
    private readonly List<WorkItem> _interleavedWhileActivating = [];
    private readonly Action _callFinished;
    private ActivationState _state = ActivationState.Activating;
    private DeactivationReason _reason;
    private int _inFlight;
    private DateTimeOffset _lastUsed;
    private int _started;
    private Grain? _grain;

    public GrainActivation(GrainRuntime runtime, GrainTypeRegistration type, GrainId id)
    {
        _runtime = runtime;
        _type = type;
        Id = id;
        Logger = runtime.Logger;
        _lastUsed = runtime.TimeProvider.GetUtcNow();
        _callFinished = CallFinished;
    }

    private enum ActivationState
    {
        Activating,
        Valid,
        Deactivating,
        Deactivated,
    }

    public GrainId Id { get; }

    public GrainRuntime Runtime => _runtime;

    public ILogger Logger { get; }

    /// <summary>Cancelled when the activation starts deactivating.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Completes once the activation is gone (deactivated, or its activation failed) and out of the directory.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>Queues a call. False when the activation is deactivating: the caller forwards it to the next activation.</summary>
    public bool TryEnqueue(WorkItem item)
    {
        Task? interleaved = null;
        lock (_gate)
        {
            // Checking the state and queuing under one lock: deactivation completes the mailbox under the same
            // lock, so an accepted call is never left in a mailbox nobody reads.
            if (_state is ActivationState.Deactivating or ActivationState.Deactivated)
            {
                return false;
            }
            _inFlight++;
            _lastUsed = _runtime.TimeProvider.GetUtcNow();
            if (!item.Interleaves)
            {
                _mailbox.Writer.TryWrite(item);
            }
            else if (_state == ActivationState.Valid)
            {
                // An always-interleave call skips the queue: it must not wait behind a turn that is awaiting.
                interleaved = StartInterleavedLocked(item);
            }
            else
            {
                // During activation it waits for the activation only.
                _interleavedWhileActivating.Add(item);
            }
        }
        EnsureStarted();
        if (interleaved is not null)
        {
            ForgetWhenDone(interleaved);
        }
        return true;
    }

    public bool TryEnqueueTick(GrainTimer timer)
    {
        lock (_gate)
        {
            return _state is ActivationState.Activating or ActivationState.Valid && _mailbox.Writer.TryWrite(new TimerTick(timer, Logger));
        }
    }

    public IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Deactivated)
            {
                throw new InvalidOperationException($"Grain {Id} is deactivating; it cannot register timers.");
            }
            var timer = new GrainTimer(this, callback, options);
            _timers.Add(timer);
            return timer;
        }
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    /// <summary>Starts deactivation if the activation has had nothing to do for <paramref name="age"/>.</summary>
    public bool TryDeactivateIfIdle(DateTimeOffset now, TimeSpan age)
    {
        lock (_gate)
        {
            if (_state != ActivationState.Valid || _inFlight > 0 || now - _lastUsed < age || _timers.Any(t => t.KeepAlive))
            {
                return false;
            }
            BeginDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"idle since {_lastUsed:O}"));
            return true;
        }
    }

    /// <summary>Starts deactivation after the running turn (if any). Idempotent.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (_gate)
        {
            if (_state is ActivationState.Activating or ActivationState.Valid)
            {
                BeginDeactivationLocked(reason);
            }
        }
        // A never-started activation (it lost the race to be created, or got no message) must still end.
        EnsureStarted();
    }

    private void BeginDeactivationLocked(DeactivationReason reason)
    {
        _state = ActivationState.Deactivating;
        _reason = reason;
        _mailbox.Writer.TryComplete();
    }

    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(PumpAsync);
        }
    }

    private void StartInterleaved(WorkItem item)
    {
        Task turn;
        lock (_gate)
        {
            turn = StartInterleavedLocked(item);
        }
        ForgetWhenDone(turn);
    }

    /// <summary>Starts a turn without waiting for the one before; deactivation waits for every such turn.</summary>
    private Task StartInterleavedLocked(WorkItem item)
    {
        // RunTurnAsync only queues the turn on the grain's scheduler, so nothing runs under the lock.
        var turn = RunTurnAsync(item);
        _interleavedTurns.Add(turn);
        return turn;
    }

    private void ForgetWhenDone(Task turn) => _ = turn.ContinueWith(
        static (t, state) =>
        {
            var self = (GrainActivation)state!;
            lock (self._gate)
            {
                self._interleavedTurns.Remove(t);
            }
        },
        this,
        CancellationToken.None,
        TaskContinuationOptions.None,
        TaskScheduler.Default);

    private Task RunTurnAsync(WorkItem item) => OnSchedulerAsync(() => item.RunAsync(_grain!, item.IsCall ? _callFinished : NoOp));

    private void CallFinished()
    {
        lock (_gate)
        {
            _inFlight--;
            _lastUsed = _runtime.TimeProvider.GetUtcNow();
        }
    }

    private static void NoOp()
    {
    }

    private Task OnSchedulerAsync(Func<Task> action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
}
