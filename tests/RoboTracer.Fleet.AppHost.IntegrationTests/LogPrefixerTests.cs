using RoboTracer.Fleet.AppHost.Hosting;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

public sealed class LogPrefixerTests
{
    [Fact]
    public void A_line_gets_its_source_in_brackets_and_loses_a_carriage_return()
    {
        Assert.Equal("[pool-0] info: ready", LogPrefixer.Format("pool-0", "info: ready\r"));
    }

    [Fact]
    public async Task Lines_written_from_many_threads_stay_whole()
    {
        var output = new RecordingWriter();
        var log = new LogPrefixer(output);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(source => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                log.Write($"child-{source}", $"line {i}");
            }
        })));

        Assert.Equal(1600, output.Lines.Count);
        Assert.All(output.Lines, line => Assert.Matches(@"^\[child-\d\] line \d+$", line));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"[child-3] line {i}"), output.Lines.Where(l => l.StartsWith("[child-3]", StringComparison.Ordinal)));
    }
}
