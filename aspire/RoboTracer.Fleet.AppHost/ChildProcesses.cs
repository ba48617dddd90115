using System.Globalization;

namespace RoboTracer.Fleet.AppHost;

/// <summary>The children of a process, read from /proc (Linux): the AppHost runs where DCP does.</summary>
internal static class ChildProcesses
{
    public static IReadOnlyList<int> Of(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // Field 4 is the parent pid; the command name (field 2) may hold spaces, so count from its ')'.
                if (int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return children;
    }
}
