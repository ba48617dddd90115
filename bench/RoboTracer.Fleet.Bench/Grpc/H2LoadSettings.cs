using System.Globalization;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>One h2load load shape: connections × concurrent streams each, a warm-up and a measured duration.</summary>
internal sealed record H2LoadSettings(int Connections, int StreamsPerConnection, int Threads, TimeSpan WarmUp, TimeSpan Duration)
{
    /// <summary>The options as h2load takes them (the timed form: <c>-D</c> with <c>--warm-up-time</c>).</summary>
    public IEnumerable<string> ToArguments()
    {
        yield return "-c";
        yield return Connections.ToString(CultureInfo.InvariantCulture);
        yield return "-m";
        yield return StreamsPerConnection.ToString(CultureInfo.InvariantCulture);
        yield return "-t";
        yield return Threads.ToString(CultureInfo.InvariantCulture);
        yield return "-D";
        yield return Seconds(Duration);
        if (WarmUp > TimeSpan.Zero)
        {
            yield return "--warm-up-time";
            yield return Seconds(WarmUp);
        }
    }

    public override string ToString() => string.Join(' ', ToArguments());

    private static string Seconds(TimeSpan span) => ((int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
