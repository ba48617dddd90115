using System.Runtime.InteropServices;

namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// SIGTERM for a graceful stop: <see cref="System.Diagnostics.Process.Kill()"/> sends SIGKILL on Unix, which gives
/// a host no chance to drain (the pool worker's drain, the orchestrator's event-store flush).
/// </summary>
internal static partial class PosixSignals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM; false when the process is already gone.</summary>
    public static bool Terminate(int processId) => Kill(processId, SigTerm) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
