using System.Diagnostics;

namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// One run of one replica: started with the AppHost's environment plus its own, every output line written through
/// the <see cref="LogPrefixer"/>, stopped with SIGTERM and, after a grace period, SIGKILL of the whole tree.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    // After the process exits, output still in the pipe is read for at most this long: an orphaned grandchild that
    // inherited the pipe must not keep the supervisor from noticing the exit.
    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Completes with the exit code once the process has exited and its output is written.</summary>
    public Task<int> Exited => _exited.Task;

    public static ChildProcess Start(ProcessSpec spec, LogPrefixer log)
    {
        var start = new ProcessStartInfo(spec.FileName)
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in spec.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => Forward(log, spec.Name, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(log, spec.Name, e.Data);
        process.Exited += (_, _) => _ = child.CompleteAsync();
        process.Start();
        // A child reading stdin sees end-of-file rather than the AppHost's terminal.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGTERM, then SIGKILL of the process tree if it has not exited within <paramref name="gracePeriod"/>.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (Exited.IsCompleted)
        {
            return;
        }
        PosixSignals.Terminate(_process.Id);
        try
        {
            await Exited.WaitAsync(gracePeriod);
        }
        catch (TimeoutException)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
            await Exited;
        }
    }

    public void Dispose() => _process.Dispose();

    private static void Forward(LogPrefixer log, string source, string? line)
    {
        // Null marks the end of the stream.
        if (line is not null)
        {
            log.Write(source, line);
        }
    }

    private async Task CompleteAsync()
    {
        using var drain = new CancellationTokenSource(OutputDrainLimit);
        try
        {
            // With asynchronous reading, this also waits for both output streams to reach end-of-file.
            await _process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            // Output held open by a grandchild; the exit code is known anyway.
        }
        _exited.TrySetResult(_process.ExitCode);
    }
}
