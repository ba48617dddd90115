using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>Activation, deactivation, and what happens to the messages that wait for either.</summary>
internal sealed partial class GrainActivation
{
    /// <summary>Starts deactivation if the activation has had nothing to do for <paramref name="age"/>.</summary>
    public bool TryDeactivateIfIdle(DateTimeOffset now, TimeSpan age)
    {
        bool deactivate;
        lock (_gate)
        {
            if (_state != ActivationState.Valid || _inFlight > 0 || now - _lastUsed < age || _timers.Any(t => t.KeepAlive))
            {
                return false;
            }
            deactivate = BeginDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"idle since {_lastUsed:O}"));
        }
        StartNext(next: null, deactivate);
        return true;
    }

    /// <summary>Starts deactivation after the running turn (if any). Idempotent.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        var deactivate = false;
        lock (_gate)
        {
            if (_state is ActivationState.Activating or ActivationState.Valid)
            {
                deactivate = BeginDeactivationLocked(reason);
            }
        }
        // A never-started activation (it lost the race to be created, or got no message) must still end.
        EnsureStarted();
        StartNext(next: null, deactivate);
    }

    /// <summary>True when the turn was free and the deactivation took it: the caller starts it. Otherwise the running turn's end does.</summary>
    private bool BeginDeactivationLocked(DeactivationReason reason)
    {
        _state = ActivationState.Deactivating;
        _reason = reason;
        if (_turnRunning)
        {
            return false;
        }
        _turnRunning = true;
        return true;
    }

    /// <summary>Activates the grain (holding the turn), then gives the turn to what waited for it.</summary>
    private async Task StartAsync()
    {
        bool deactivatedBeforeStart;
        lock (_gate)
        {
            deactivatedBeforeStart = _state == ActivationState.Deactivating;
        }
        if (deactivatedBeforeStart)
        {
            // Told to go before it ever ran (shutdown right after creation): no point activating the grain.
            foreach (var item in TakeWaiting())
            {
                Hand(item);
            }
            Finish();
            return;
        }
        try
        {
            await OnSchedulerAsync(() =>
            {
                _grain = _type.Factory();
                _grain.Bind(this);
                return _grain.ActivateCoreAsync(Lifetime);
            });
        }
        catch (Exception e)
        {
            await FailActivationAsync(e);
            return;
        }
        List<Task> started = [];
        WorkItem[] handed = [];
        WorkItem? next;
        bool deactivate;
        lock (_gate)
        {
            if (_state == ActivationState.Activating)
            {
                _state = ActivationState.Valid;
            }
            if (_state == ActivationState.Valid)
            {
                foreach (var item in _interleavedWhileActivating)
                {
                    started.Add(StartInterleavedLocked(item));
                }
                while (_type.IsReentrant && _queue.TryDequeue(out var item))
                {
                    started.Add(StartInterleavedLocked(item));
                }
            }
            else
            {
                handed = [.. _interleavedWhileActivating];
            }
            _interleavedWhileActivating.Clear();
            next = ReleaseTurnLocked(out deactivate);
        }
        foreach (var turn in started)
        {
            ForgetWhenDone(turn);
        }
        foreach (var item in handed)
        {
            Hand(item);
        }
        StartNext(next, deactivate);
    }

    /// <summary>A queued item that this activation will not run: calls go to the next activation, ticks die.</summary>
    private void Hand(WorkItem item)
    {
        if (!item.IsCall)
        {
            item.Fail(new OperationCanceledException("The activation is deactivating."));
            return;
        }
        lock (_gate)
        {
            _inFlight--;
        }
        _runtime.Forward(Id, item, this);
    }

    /// <summary>Runs with the turn taken for good: nothing of the grain's runs after it but interleaved turns it waits for.</summary>
    private async Task DeactivateAsync()
    {
        foreach (var item in TakeWaiting())
        {
            Hand(item);
        }
        await _lifetime.CancelAsync();
        Task[] interleaved;
        GrainTimer[] timers;
        lock (_gate)
        {
            interleaved = [.. _interleavedTurns];
            timers = [.. _timers];
        }
        await Task.WhenAll(interleaved);
        foreach (var timer in timers)
        {
            timer.Dispose();
        }
        try
        {
            await OnSchedulerAsync(() => _grain!.OnDeactivateAsync(_reason, CancellationToken.None));
        }
        catch (Exception e)
        {
            Logger.LogWarning(e, "OnDeactivateAsync of {Grain} failed", Id);
        }
        Logger.LogDebug("Deactivated {Grain}: {Reason} ({Description})", Id, _reason.ReasonCode, _reason.Description);
        Finish();
    }

    private async Task FailActivationAsync(Exception exception)
    {
        Logger.LogWarning(exception, "Activation of {Grain} failed", Id);
        lock (_gate)
        {
            // The turn stays taken: nothing runs on this activation any more.
            _state = ActivationState.Deactivating;
        }
        await _lifetime.CancelAsync();
        GrainTimer[] timers;
        lock (_gate)
        {
            timers = [.. _timers];
        }
        foreach (var timer in timers)
        {
            timer.Dispose();
        }
        // The callers queued so far asked this activation: they get its failure. Later ones get a fresh attempt.
        foreach (var item in TakeWaiting())
        {
            item.Fail(exception);
        }
        Finish();
    }

    private void Finish()
    {
        lock (_gate)
        {
            _state = ActivationState.Deactivated;
        }
        _runtime.Remove(this);
        _deactivated.TrySetResult();
    }

    /// <summary>Takes every message still waiting (for the activation, or for the turn); called once the state is past Valid, so no more come.</summary>
    private WorkItem[] TakeWaiting()
    {
        lock (_gate)
        {
            WorkItem[] items = [.. _interleavedWhileActivating, .. _queue];
            _interleavedWhileActivating.Clear();
            _queue.Clear();
            return items;
        }
    }
}
