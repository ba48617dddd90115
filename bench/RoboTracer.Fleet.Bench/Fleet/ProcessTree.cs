using System.Globalization;

namespace RoboTracer.Fleet.Bench.Fleet;

/// <summary>What /proc says about the processes under test (Linux only; elsewhere nothing is found).</summary>
internal static class ProcessTree
{
    /// <summary>The postmaster listening on <paramref name="port"/>: a postgres process started with <c>-p PORT</c>.</summary>
    public static int? FindPostgres(int port)
    {
        var wanted = $"-p {port.ToString(CultureInfo.InvariantCulture)} ";
        foreach (var pid in Pids())
        {
            var command = Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ');
            if (command is not null && command.Contains("postgres", StringComparison.Ordinal) && command.Contains(wanted, StringComparison.Ordinal)
                && !command.Contains("pg_ctl", StringComparison.Ordinal))
            {
                return pid;
            }
        }
        return null;
    }

    /// <summary>The processes whose parent is <paramref name="parent"/> (PostgreSQL's backends and workers).</summary>
    public static IEnumerable<int> Children(int parent)
    {
        foreach (var pid in Pids())
        {
            var stat = Read($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces; the parent is the second field after it.
            if (stat is not null && int.TryParse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) && ppid == parent)
            {
                yield return pid;
            }
        }
    }

    /// <summary>Peak and current resident set (VmHWM, VmRSS) of a process, in bytes.</summary>
    public static (long Peak, long Current) Memory(int pid)
    {
        long Field(string name) => Read($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
            ? long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024
            : 0;
        return (Field("VmHWM"), Field("VmRSS"));
    }

    private static IEnumerable<int> Pids() => Directory.Exists("/proc")
        ? Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0).Where(pid => pid > 0)
        : [];

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
