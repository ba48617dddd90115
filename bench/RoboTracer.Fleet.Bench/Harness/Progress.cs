using System.Diagnostics;

namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>
/// Progress lines on stderr, stamped with the time since the run started. Stdout is reserved for the result:
/// its last line is the JSON object of the benchmark contract (DESIGN.md §4).
/// </summary>
internal sealed class Progress(string bench)
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    public void Report(string message) => Console.Error.WriteLine($"[{bench} {Elapsed.TotalSeconds,6:0.0}s] {message}");
}
