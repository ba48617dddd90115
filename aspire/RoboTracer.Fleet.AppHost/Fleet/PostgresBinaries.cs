namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>Where the system's PostgreSQL server binaries are: the newest /usr/lib/postgresql/N/bin (Debian), else PATH.</summary>
internal static class PostgresBinaries
{
    /// <summary>The directory holding initdb, postgres and pg_isready, or null when PostgreSQL is not installed.</summary>
    public static string? Find()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderByDescending(VersionOf).ToList()
            : [];
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(dir => new[] { "initdb", "postgres", "pg_isready" }.All(tool => File.Exists(Path.Combine(dir, tool))));
    }

    private static int VersionOf(string binDirectory) =>
        int.TryParse(Path.GetFileName(Path.GetDirectoryName(binDirectory)), out var version) ? version : 0;
}
