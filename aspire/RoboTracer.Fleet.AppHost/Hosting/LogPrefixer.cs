namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>Writes every line of every child with its name in front (<c>[pool-0] …</c>), whole lines only, from any thread.</summary>
internal sealed class LogPrefixer(TextWriter output)
{
    /// <summary>The source name of the AppHost's own lines.</summary>
    public const string HostSource = "apphost";

    private readonly Lock _gate = new();

    public static string Format(string source, string line) => $"[{source}] {line.TrimEnd('\r')}";

    public void Write(string source, string line)
    {
        var formatted = Format(source, line);
        lock (_gate)
        {
            output.WriteLine(formatted);
        }
    }

    public void Host(string message) => Write(HostSource, message);
}
