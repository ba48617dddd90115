namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>
/// The AppHost's own command line (DESIGN.md §4), read before Aspire's builder exists so that a usage error exits 2
/// with nothing started. Exit codes: 0 help printed, 2 a usage error; null to go on with <c>options</c>.
/// </summary>
internal static class FleetCommandLine
{
    public static int? Read(IReadOnlyList<string> args, TextWriter output, TextWriter error, out AppHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var parsed = AppHostOptions.Parse(args);
        options = parsed.Options ?? new AppHostOptions();
        if (parsed.HelpRequested)
        {
            output.WriteLine(AppHostOptions.Usage);
            return 0;
        }
        if (parsed.Options is null)
        {
            error.WriteLine($"error: {parsed.Error}\n\n{AppHostOptions.Usage}");
            return 2;
        }
        return null;
    }
}
