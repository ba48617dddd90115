using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Tests.GroupCommit;

public sealed class WakeSignalTests
{
    [Fact]
    public async Task A_pulse_after_a_reader_took_the_signal_wakes_it_and_the_next_one_waits_again()
    {
        var signal = new WakeSignal();
        var taken = signal.Current;

        signal.Pulse();

        await taken.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(signal.Current.IsCompleted);
    }
}
