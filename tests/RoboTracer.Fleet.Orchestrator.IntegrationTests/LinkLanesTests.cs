using RoboTracer.Fleet.Orchestrator.Robots;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>The two lanes a robot link handles its messages in: order within a lane, progress across lanes, failures.</summary>
public sealed class LinkLanesTests
{
    [Fact]
    public async Task A_lane_handles_its_messages_one_at_a_time_in_the_order_they_were_posted()
    {
        using var lanes = new LinkLanes(CancellationToken.None);
        var handled = new List<int>();
        var running = 0;
        var overlapped = false;

        for (var i = 0; i < 200; i++)
        {
            var n = i;
            await lanes.PostAsync(LinkLane.Robot, async () =>
            {
                overlapped |= Interlocked.Increment(ref running) > 1;
                // Every other message yields, so a lane that did not wait for the previous one would reorder them.
                if (n % 2 == 0)
                {
                    await Task.Yield();
                }
                lock (handled)
                {
                    handled.Add(n);
                }
                Interlocked.Decrement(ref running);
            });
        }
        await lanes.DrainAsync();

        Assert.Equal(Enumerable.Range(0, 200), handled);
        Assert.False(overlapped, "two messages of one lane were handled at the same time");
    }

    [Fact]
    public async Task An_observation_is_handled_while_a_step_report_before_it_still_waits()
    {
        using var lanes = new LinkLanes(CancellationToken.None);
        var report = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await lanes.PostAsync(LinkLane.Robot, () => report.Task);
        await lanes.PostAsync(LinkLane.Scene, () =>
        {
            observed.SetResult();
            return Task.CompletedTask;
        });

        await observed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(report.Task.IsCompleted);
        report.SetResult();
        await lanes.DrainAsync();
    }

    [Fact]
    public async Task After_a_failure_nothing_later_is_handled_reading_stops_and_the_failure_is_thrown()
    {
        using var lanes = new LinkLanes(CancellationToken.None);
        var later = 0;

        await lanes.PostAsync(LinkLane.Robot, () => throw new ArgumentException("a non-finite position"));
        await lanes.DrainAsync();
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => lanes.PostAsync(LinkLane.Scene, () => Task.FromResult(later++)));

        Assert.Equal("a non-finite position", refused.Message);
        Assert.True(lanes.Reading.IsCancellationRequested);
        Assert.Equal(0, later);
        Assert.Throws<ArgumentException>(lanes.ThrowIfFaulted);
    }

    [Fact]
    public async Task Messages_queued_behind_a_failure_are_dropped_unhandled()
    {
        using var lanes = new LinkLanes(CancellationToken.None);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handledAfter = 0;

        await lanes.PostAsync(LinkLane.Robot, async () =>
        {
            await release.Task;
            throw new InvalidOperationException("the grain refused it");
        });
        await lanes.PostAsync(LinkLane.Robot, () => Task.FromResult(Interlocked.Increment(ref handledAfter)));
        release.SetResult();
        await lanes.DrainAsync();

        Assert.Equal(0, handledAfter);
        Assert.IsType<InvalidOperationException>(lanes.Fault);
    }

    [Fact]
    public async Task Reading_waits_while_the_window_is_full()
    {
        using var lanes = new LinkLanes(CancellationToken.None);
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < LinkLanes.MaxInFlight; i++)
        {
            await lanes.PostAsync(LinkLane.Robot, () => stuck.Task);
        }

        var next = lanes.PostAsync(LinkLane.Scene, () => Task.CompletedTask);

        Assert.False(next.IsCompleted, "a message was taken with the window full");
        stuck.SetResult();
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        await lanes.DrainAsync();
    }
}
