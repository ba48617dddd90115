using System.Diagnostics;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Orleans;

/// <summary>Polls observable state until it is what the test waits for, or fails at a deadline with the last thing seen.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = "nothing yet";
        Exception? error = null;
        while (true)
        {
            try
            {
                // A probe that hangs must not outlive the deadline either.
                var value = await probe().WaitAsync(timeout);
                if (done(value))
                {
                    return value;
                }
                (last, error) = ($"value {value}", null);
            }
            catch (Exception e)
            {
                (last, error) = ($"{e.GetType().Name}: {e.Message}", e);
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s (last: {last}).", error);
            }
            await Task.Delay(Interval);
        }
    }
}
