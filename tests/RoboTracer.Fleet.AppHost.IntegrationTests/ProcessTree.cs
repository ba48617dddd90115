using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

/// <summary>Parent/child relations and liveness of processes, read from /proc.</summary>
internal static partial class ProcessTree
{
    private const int NoSuchProcess = 3; // ESRCH
    private const int Interrupted = 4; // EINTR
    private const short PollIn = 1;

    /// <summary>
    /// Waits until every one of <paramref name="pids"/> has exited, told by the kernel (a pidfd per process becomes
    /// readable when it exits, whoever its parent is), not by looking again and again; false when
    /// <paramref name="timeout"/> passes first. An exited process that waits to be reaped counts as exited, as in
    /// <see cref="IsAlive"/>.
    /// </summary>
    public static async Task<bool> WaitForExitAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var pid in pids)
        {
            var left = timeout - Stopwatch.GetElapsedTime(started);
            var exited = await Task.Factory.StartNew(
                () => WaitForExit(pid, left > TimeSpan.Zero ? left : TimeSpan.Zero),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            if (!exited)
            {
                return false;
            }
        }
        return true;
    }

    private static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var fd = PidfdOpen(pid, 0);
        if (fd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error == NoSuchProcess
                ? true
                : throw new IOException($"pidfd_open({pid}) failed with errno {error}");
        }
        try
        {
            var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var poll = new PollFd { Fd = fd, Events = PollIn };
                var waitMs = (int)Math.Max(0, Math.Ceiling((until - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency));
                var ready = Poll(ref poll, 1, waitMs);
                if (ready >= 0)
                {
                    // The pidfd is readable once the process has exited; zero means the time ran out first.
                    return ready > 0 || !IsAlive(pid);
                }
                var error = Marshal.GetLastPInvokeError();
                if (error != Interrupted)
                {
                    throw new IOException($"poll on the pidfd of {pid} failed with errno {error}");
                }
            }
        }
        finally
        {
            Close(fd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "pidfd_open", SetLastError = true)]
    private static partial int PidfdOpen(int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>The pids whose parent is <paramref name="parent"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parent) => [.. All().Where(p => p.Parent == parent).Select(p => p.Id)];

    /// <summary>The pids whose command line contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> WithCommandLine(string text) => [.. All().Where(p => p.CommandLine.Contains(text, StringComparison.Ordinal)).Select(p => p.Id)];

    /// <summary>True while the process exists and is not a zombie waiting for its parent to reap it.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IEnumerable<(int Id, int Parent, string CommandLine)> All()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }
            (int, int, string)? process = null;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // Field 4 is the parent pid; the command name (field 2) may hold spaces, so count from its ')'.
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                process = (id, parent, File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' '));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
            if (process is { } found)
            {
                yield return found;
            }
        }
    }
}
