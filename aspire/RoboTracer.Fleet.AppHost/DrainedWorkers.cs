using System.Collections.Concurrent;

namespace RoboTracer.Fleet.AppHost;

/// <summary>
/// The pool workers drained from the dashboard, so that <see cref="RestartOnCrash"/> leaves them stopped. A drained
/// worker exits 0, which is no crash anyway; the mark makes sure of it even when the drain ends otherwise (a
/// shutdown timeout, an error on the way out). It holds until the replica runs again under another launcher pid,
/// which only the dashboard's Start (or a restart of the AppHost) does.
/// </summary>
internal sealed class DrainedWorkers
{
    // Replica id → the launcher pid that was drained.
    private readonly ConcurrentDictionary<string, int> _drained = new(StringComparer.Ordinal);

    public void Mark(string resourceId, int launcherPid) => _drained[resourceId] = launcherPid;

    /// <summary>True when the replica was drained and has not run again since.</summary>
    public bool IsDrained(string resourceId) => _drained.ContainsKey(resourceId);

    /// <summary>A snapshot of a running replica: a launcher other than the drained one means it was started again.</summary>
    public void Observe(string resourceId, CustomResourceSnapshot snapshot)
    {
        if (snapshot.State?.Text == KnownResourceStates.Running
            && ServiceProcess.LauncherPid(snapshot) is { } launcher
            && _drained.TryGetValue(resourceId, out var drained)
            && launcher != drained)
        {
            _drained.TryRemove(resourceId, out _);
        }
    }
}
