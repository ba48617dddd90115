using Microsoft.Extensions.Logging;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>The pump: activation, the turn loop, and deactivation.</summary>
internal sealed partial class GrainActivation
{
    private async Task PumpAsync()
    {
        bool deactivatedBeforeStart;
        lock (_gate)
        {
            deactivatedBeforeStart = _state == ActivationState.Deactivating;
        }
        if (deactivatedBeforeStart)
        {
            // Told to go before it ever ran (shutdown right after creation): no point activating the grain.
            foreach (var item in TakeInterleavedWhileActivating())
            {
                Hand(item);
            }
            while (_mailbox.Reader.TryRead(out var item))
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
        WorkItem[] early;
        lock (_gate)
        {
            if (_state == ActivationState.Activating)
            {
                _state = ActivationState.Valid;
            }
            early = [.. _interleavedWhileActivating];
            _interleavedWhileActivating.Clear();
        }
        foreach (var item in early)
        {
            if (IsDeactivating)
            {
                Hand(item);
            }
            else
            {
                StartInterleaved(item);
            }
        }

        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var item))
            {
                if (IsDeactivating)
                {
                    Hand(item);
                    continue;
                }
                if (_type.IsReentrant || item.Interleaves)
                {
                    StartInterleaved(item);
                }
                else
                {
                    await RunTurnAsync(item);
                }
            }
        }
        await DeactivateAsync();
    }

    private bool IsDeactivating
    {
        get
        {
            lock (_gate)
            {
                return _state != ActivationState.Valid;
            }
        }
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

    private async Task DeactivateAsync()
    {
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
            _state = ActivationState.Deactivating;
            _mailbox.Writer.TryComplete();
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
        foreach (var item in TakeInterleavedWhileActivating())
        {
            item.Fail(exception);
        }
        while (_mailbox.Reader.TryRead(out var item))
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

    private WorkItem[] TakeInterleavedWhileActivating()
    {
        lock (_gate)
        {
            WorkItem[] items = [.. _interleavedWhileActivating];
            _interleavedWhileActivating.Clear();
            return items;
        }
    }
}
