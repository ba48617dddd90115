using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// One activation of one grain on this node: the grain instance, its queue of waiting turns, and the exclusive
/// scheduler its code runs on.
/// </summary>
/// <remarks>
/// <para>
/// Turn-based execution: grain code runs on this activation's <see cref="ActivationScheduler"/>, and
/// <c>await</c> in grain code resumes on it, so two pieces of grain code never run at the same time. On top of
/// that one flag, <c>_turnRunning</c>, makes a non-reentrant grain handle one message from start to finish
/// before the next, across awaits: a message that finds it set waits in the queue, and the turn that ends hands
/// the flag to the next message. A <see cref="ReentrantAttribute"/> grain's turns and
/// <see cref="AlwaysInterleaveAttribute"/> calls start without waiting for the turn before them: they
/// interleave at awaits, never in parallel.
/// </para>
/// <para>
/// Inline turns: a request/response call that finds the activation idle (no turn, nothing queued, scheduler
/// free) runs its turn on the caller's thread, as a task of this activation's scheduler, instead of hopping
/// to the thread pool; a turn that completes synchronously answers its caller before the call returns. The
/// caller may itself be in a turn of another grain: that grain's scheduler stays taken by the caller's thread
/// and this grain's code runs with this grain's scheduler current (and no synchronization context), so each
/// grain's awaits still resume on its own scheduler. A thread nests at most <see cref="MaxInlineDepth"/> such
/// turns; deeper calls are queued.
/// </para>
/// <para>
/// Lifecycle: Activating → Valid → Deactivating → Deactivated. Activation and deactivation hold the turn like a
/// message does. Deactivation hands the queued calls, and calls arriving from then on, to the next activation
/// of the same grain, which the runtime creates only after this one is gone (so two activations of a key never
/// overlap on a node).
/// </para>
/// </remarks>
internal sealed partial class GrainActivation
{
    // How many turns of different grains one thread may nest inline (a grain calling an idle grain calling an
    // idle grain...) before the next call is queued instead: bounds the stack a chain of calls takes.
    private const int MaxInlineDepth = 8;

    [ThreadStatic]
    private static int t_inlineDepth;

    private readonly GrainRuntime _runtime;
    private readonly GrainTypeRegistration _type;
    private readonly ActivationScheduler _scheduler = new();
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly List<GrainTimer> _timers = [];
    private readonly HashSet<Task> _interleavedTurns = [];
    private readonly List<WorkItem> _interleavedWhileActivating = [];
    private readonly Action<object?> _runTurn;
    private readonly Action<WorkItem> _turnFinished;
    private readonly Action<WorkItem> _interleavedFinished;
    private ActivationState _state = ActivationState.Activating;
    private DeactivationReason _reason;

    // The one exclusive turn is taken: by the activation (from the start), a non-interleaving message, or the
    // deactivation (to the end). Handed from turn to turn while messages wait in _queue.
    private bool _turnRunning = true;
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
        _runTurn = RunTurn;
        _turnFinished = TurnFinished;
        _interleavedFinished = InterleavedTurnFinished;
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

    /// <summary>
    /// Delivers a call: runs it now (on this thread when it may), starts it interleaved, or queues it. False when
    /// the activation is deactivating: the caller forwards it to the next activation.
    /// </summary>
    public bool TryEnqueue(WorkItem item)
    {
        bool runNow;
        Task? interleaved;
        lock (_gate)
        {
            // Checking the state and queuing under one lock: deactivation drains the queue after it sets the
            // state under the same lock, so an accepted call is never left in a queue nobody reads.
            if (_state is ActivationState.Deactivating or ActivationState.Deactivated)
            {
                return false;
            }
            _inFlight++;
            runNow = RouteLocked(item, out interleaved);
        }
        EnsureStarted();
        if (runNow)
        {
            StartTurn(item, item.MayRunInline);
        }
        else if (interleaved is not null)
        {
            ForgetWhenDone(interleaved);
        }
        return true;
    }

    public bool TryEnqueueTick(GrainTimer timer)
    {
        var tick = new TimerTick(timer, Logger);
        bool runNow;
        Task? interleaved;
        lock (_gate)
        {
            if (_state is not (ActivationState.Activating or ActivationState.Valid))
            {
                return false;
            }
            runNow = RouteLocked(tick, out interleaved);
        }
        if (runNow)
        {
            // Never inline: the clock's thread is not a caller that waits for the grain.
            StartTurn(tick, mayRunInline: false);
        }
        else if (interleaved is not null)
        {
            ForgetWhenDone(interleaved);
        }
        return true;
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

    /// <summary>
    /// The route of a message the activation accepted: true when it took the free turn and the caller must start
    /// it; otherwise it was started interleaved (<paramref name="interleaved"/>) or queued.
    /// </summary>
    private bool RouteLocked(WorkItem item, out Task? interleaved)
    {
        interleaved = null;
        if (item.Interleaves || _type.IsReentrant)
        {
            if (_state == ActivationState.Valid)
            {
                // It skips the queue: it must not wait behind a turn that is awaiting.
                interleaved = StartInterleavedLocked(item);
            }
            else if (item.Interleaves)
            {
                // During activation it waits for the activation only.
                _interleavedWhileActivating.Add(item);
            }
            else
            {
                _queue.Enqueue(item);
            }
            return false;
        }
        if (_turnRunning)
        {
            _queue.Enqueue(item);
            return false;
        }
        _turnRunning = true;
        return true;
    }

    /// <summary>
    /// Gives up the exclusive turn: to the next queued message (returned; the caller starts it), to the
    /// deactivation (<paramref name="deactivate"/>; the caller starts it), or frees it.
    /// </summary>
    private WorkItem? ReleaseTurnLocked(out bool deactivate)
    {
        deactivate = false;
        if (_state == ActivationState.Valid && _queue.TryDequeue(out var next))
        {
            return next;
        }
        if (_state == ActivationState.Deactivating)
        {
            deactivate = true;
            return null;
        }
        _turnRunning = false;
        return null;
    }

    private void StartNext(WorkItem? next, bool deactivate)
    {
        if (next is not null)
        {
            StartTurn(next, mayRunInline: false);
        }
        else if (deactivate)
        {
            _ = Task.Run(DeactivateAsync);
        }
    }

    /// <summary>Starts a message that holds the exclusive turn: inline when it may and the scheduler is free, else queued on the scheduler.</summary>
    private void StartTurn(WorkItem item, bool mayRunInline)
    {
        var turn = new Task(_runTurn, item, CancellationToken.None, TaskCreationOptions.DenyChildAttach);
        if (mayRunInline && t_inlineDepth < MaxInlineDepth && RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            // Without this, an await in grain code would capture the caller's context (a UI or test context)
            // instead of the grain's scheduler and resume outside the grain's turn.
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            t_inlineDepth++;
            try
            {
                if (_scheduler.TryRunInline(turn))
                {
                    return;
                }
            }
            finally
            {
                t_inlineDepth--;
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }
        turn.Start(_scheduler);
    }

    // RunAsync reports failures to whoever waits and never throws; its end is reported through _turnFinished.
    private void RunTurn(object? item) => _ = ((WorkItem)item!).RunAsync(_grain!, _turnFinished);

    private void TurnFinished(WorkItem item)
    {
        WorkItem? next;
        bool deactivate;
        lock (_gate)
        {
            if (item.IsCall)
            {
                _inFlight--;
                _lastUsed = _runtime.TimeProvider.GetUtcNow();
            }
            next = ReleaseTurnLocked(out deactivate);
        }
        // Runs inside the ending turn: the next one is queued on the scheduler and starts after this one returns.
        StartNext(next, deactivate);
    }

    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(StartAsync);
        }
    }

    /// <summary>Starts a turn without waiting for the one before; deactivation waits for every such turn.</summary>
    private Task StartInterleavedLocked(WorkItem item)
    {
        // Only queues the turn on the grain's scheduler, so nothing runs under the lock.
        var turn = OnSchedulerAsync(() => item.RunAsync(_grain!, _interleavedFinished));
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

    private void InterleavedTurnFinished(WorkItem item)
    {
        if (!item.IsCall)
        {
            return;
        }
        lock (_gate)
        {
            _inFlight--;
            _lastUsed = _runtime.TimeProvider.GetUtcNow();
        }
    }

    private Task OnSchedulerAsync(Func<Task> action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
}
