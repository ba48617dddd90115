namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>
/// How a server child of the benchmark (see <see cref="ServerProcess"/>) learns that its parent is gone: the parent
/// holds the child's stdin open, so EOF on stdin means "stop", even when the parent was killed.
/// </summary>
internal static class StdinWatch
{
    /// <summary>
    /// Completes at EOF on stdin. A dedicated thread does the blocking read: a pool thread parked on it would be
    /// one fewer for the server under test.
    /// </summary>
    public static Task ClosedAsync()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var stdin = Console.OpenStandardInput();
                stdin.CopyTo(Stream.Null);
            }
            finally
            {
                closed.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "stdin-watch",
        };
        thread.Start();
        return closed.Task;
    }
}
