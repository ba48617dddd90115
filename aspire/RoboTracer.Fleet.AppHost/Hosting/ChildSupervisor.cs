using System.ComponentModel;
using System.Diagnostics;

namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// Keeps one replica running until stopped: a child that exits on its own is reported and started again after the
/// <see cref="RestartPolicy"/>'s backoff; on stop the current child gets SIGTERM, then SIGKILL after the grace period.
/// </summary>
internal sealed class ChildSupervisor(ProcessSpec spec, RestartPolicy policy, LogPrefixer log)
{
    private int _starts;

    public string Name => spec.Name;

    /// <summary>How many times a process was started.</summary>
    public int Starts => Volatile.Read(ref _starts);

    /// <summary>The process running now, if any.</summary>
    public int? CurrentProcessId { get; private set; }

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled and the child has stopped.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var consecutiveFailures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var startedAt = Stopwatch.GetTimestamp();
            ChildProcess child;
            try
            {
                child = ChildProcess.Start(spec, log);
            }
            catch (Win32Exception e)
            {
                log.Host($"{Name}: could not start {spec.FileName}: {e.Message}");
                consecutiveFailures++;
                if (!await DelayAsync(policy.DelayFor(consecutiveFailures), stoppingToken))
                {
                    return;
                }
                continue;
            }
            using (child)
            {
                Interlocked.Increment(ref _starts);
                CurrentProcessId = child.Id;
                var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using (stoppingToken.Register(() => stopped.TrySetResult()))
                {
                    await Task.WhenAny(child.Exited, stopped.Task);
                }
                if (stoppingToken.IsCancellationRequested)
                {
                    await child.StopAsync(policy.StopGracePeriod);
                    CurrentProcessId = null;
                    return;
                }
                var exitCode = await child.Exited;
                CurrentProcessId = null;
                // A child that ran long enough was healthy: its exit starts a new series of backoffs.
                consecutiveFailures = Stopwatch.GetElapsedTime(startedAt) >= policy.ResetAfter ? 1 : consecutiveFailures + 1;
                var delay = policy.DelayFor(consecutiveFailures);
                log.Host($"{Name} exited unexpectedly with code {exitCode}; restarting in {delay.TotalSeconds:0.###} s");
                if (!await DelayAsync(delay, stoppingToken))
                {
                    return;
                }
            }
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
