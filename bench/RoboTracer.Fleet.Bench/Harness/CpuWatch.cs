using System.Diagnostics;
using System.Globalization;

namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>
/// Who used the CPU while something was measured: our processes (this one with the children it has waited for,
/// such as h2load, and the servers under test) and everything else. Benchmarks here share a small machine with
/// whatever else runs on it (builds, test runs); a run that other processes competed with is not comparable, so it
/// is reported, and can be repeated. Linux only (/proc); elsewhere every figure reads zero.
/// </summary>
internal sealed class CpuWatch(Func<IEnumerable<int>> ourProcesses)
{
    /// <summary>/proc reports CPU time in USER_HZ clock ticks, 100 per second on Linux.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>A snapshot of the machine's and our processes' CPU time, in clock ticks.</summary>
    public readonly record struct Sample(long Timestamp, long Busy, long Total, IReadOnlyDictionary<int, long> Processes);

    public Sample Take()
    {
        var timestamp = Stopwatch.GetTimestamp();
        if (!File.Exists("/proc/stat"))
        {
            return new Sample(timestamp, 0, 0, new Dictionary<int, long>());
        }
        // "cpu  user nice system idle iowait irq softirq steal ...": time spent for any process is user + nice +
        // system; steal is time the hypervisor gave to another machine. irq/softirq are left out: our own
        // loopback traffic is handled there and is accounted to no process.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(ParseLong).ToArray();
        var busy = fields[0] + fields[1] + fields[2] + fields[7];
        var total = fields.Take(8).Sum();
        var processes = ourProcesses().Prepend(Environment.ProcessId).Distinct().ToDictionary(pid => pid, ProcessTicks);
        return new Sample(timestamp, busy, total, processes);
    }

    /// <summary>What happened between two samples.</summary>
    public static CpuUsage Between(Sample before, Sample after)
    {
        var seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        var cores = new Dictionary<int, double>();
        long ours = 0;
        foreach (var (pid, ticks) in after.Processes)
        {
            var used = ticks - before.Processes.GetValueOrDefault(pid);
            ours += used;
            cores[pid] = seconds > 0 ? used / TicksPerSecond / seconds : 0;
        }
        var total = after.Total - before.Total;
        var foreign = total > 0 ? Math.Max(0, (double)(after.Busy - before.Busy - ours) / total * Environment.ProcessorCount) : 0;
        return new CpuUsage(foreign, cores);
    }

    /// <summary>
    /// utime + stime + cutime + cstime of /proc/PID/stat: the process and those of its children that have exited
    /// and been waited for (h2load runs end before the sample that closes a measurement is taken).
    /// </summary>
    private static long ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces; the fields after it start with the state (field 3).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return ParseLong(fields[11]) + ParseLong(fields[12]) + ParseLong(fields[13]) + ParseLong(fields[14]);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long ParseLong(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
