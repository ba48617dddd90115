namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>The outcome of <see cref="AppHostOptions.Parse"/>: options, a usage error, or a request for help.</summary>
internal sealed record AppHostParseResult(AppHostOptions? Options, string? Error, bool HelpRequested)
{
    public static AppHostParseResult Help { get; } = new(null, null, true);

    public static AppHostParseResult Parsed(AppHostOptions options) => new(options, null, false);

    public static AppHostParseResult Failed(string error) => new(null, error, false);
}
