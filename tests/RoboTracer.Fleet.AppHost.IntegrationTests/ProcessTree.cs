using System.Globalization;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

/// <summary>Parent/child relations and liveness of processes, read from /proc.</summary>
internal static class ProcessTree
{
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
