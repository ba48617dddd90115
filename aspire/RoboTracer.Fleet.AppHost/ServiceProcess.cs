using System.Globalization;
using System.Runtime.InteropServices;

namespace RoboTracer.Fleet.AppHost;

/// <summary>
/// The process of a running project resource, for the dashboard commands that signal it. DCP starts
/// <c>dotnet run --no-build</c> (the launcher, the resource's <c>executable.pid</c>); the service is its child, the
/// process a crash takes down and the one whose SIGTERM handler drains. Signalling the launcher instead would leave
/// the service to <c>dotnet run</c>'s own forwarding.
/// </summary>
internal readonly partial record struct ServiceProcess(int Launcher, int Service)
{
    private const int SigTerm = 15;

    /// <summary>The processes of replica <paramref name="resourceId"/>, or null when it has none running.</summary>
    public static ServiceProcess? Of(ResourceNotificationService notifications, string resourceId)
    {
        if (!notifications.TryGetCurrentState(resourceId, out var current)
            || current.Snapshot.State?.Text != KnownResourceStates.Running
            || LauncherPid(current.Snapshot) is not { } launcher)
        {
            return null;
        }
        return new ServiceProcess(launcher, ChildProcesses.Of(launcher).DefaultIfEmpty(launcher).First());
    }

    /// <summary>The pid DCP started for a replica, from its snapshot.</summary>
    public static int? LauncherPid(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, CultureInfo.InvariantCulture)
            : null;

    /// <summary>SIGKILL to the service: no handler runs, as in a crash.</summary>
    public void Kill() => System.Diagnostics.Process.GetProcessById(Service).Kill();

    /// <summary>SIGTERM to the service: the host's graceful shutdown runs (a pool worker drains). Null when sent, else what failed.</summary>
    public string? Terminate() =>
        SendSignal(Service, SigTerm) == 0 ? null : $"kill() failed with errno {Marshal.GetLastPInvokeError()}";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
