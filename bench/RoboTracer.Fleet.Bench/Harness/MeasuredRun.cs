namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>
/// Runs one measurement under a <see cref="CpuWatch"/> and repeats it while other processes took more than
/// <see cref="ForeignCpuLimit"/> cores, at most <see cref="RepeatsPerRun"/> times per measurement and as long as
/// the benchmark's budget of repeats lasts. When no attempt is clean, the least disturbed one is kept.
/// </summary>
internal sealed class MeasuredRun(CpuWatch cpu, Progress progress, int repeats)
{
    /// <summary>A tenth of a 2-core machine: more than the noise of an idle system, less than a build or a test run.</summary>
    public const double ForeignCpuLimit = 0.2;

    /// <summary>So that a busy stretch of the machine cannot use up the whole budget on the first measurement.</summary>
    private const int RepeatsPerRun = 2;

    private int _repeatsLeft = repeats;

    public async Task<(T Result, CpuUsage Cpu)> RunAsync<T>(string label, Func<Task<T>> measure)
    {
        (T Result, CpuUsage Cpu)? best = null;
        for (var attempt = 0; ; attempt++)
        {
            var before = cpu.Take();
            var result = await measure();
            var usage = CpuWatch.Between(before, cpu.Take());
            if (usage.ForeignCores <= ForeignCpuLimit)
            {
                return (result, usage);
            }
            if (best is null || usage.ForeignCores < best.Value.Cpu.ForeignCores)
            {
                best = (result, usage);
            }
            if (_repeatsLeft == 0 || attempt == RepeatsPerRun)
            {
                progress.Report(attempt == 0
                    ? $"{label}: warning: other processes used {usage.ForeignCores:0.00} cores during this run and no repeats are left; kept, but it is not a clean number"
                    : $"{label}: warning: other processes used {usage.ForeignCores:0.00} cores during this run; keeping the least disturbed of {attempt + 1} attempts ({best.Value.Cpu.ForeignCores:0.00} cores), which is not a clean number");
                return best.Value;
            }
            _repeatsLeft--;
            progress.Report($"{label}: other processes used {usage.ForeignCores:0.00} cores during this run; repeating it ({_repeatsLeft} repeats left)");
        }
    }
}
