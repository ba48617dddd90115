namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>Finds files of the repository the benchmark was built from (peers live under tests/peers/).</summary>
internal static class RepositoryPaths
{
    private const string Marker = "RoboTracer.Fleet.sln";

    /// <summary>The first directory holding the solution, going up from the binary, then from the working directory.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, Marker)))
                {
                    return directory.FullName;
                }
            }
        }
        throw new BenchmarkFailedException($"Cannot find the repository root ({Marker}) above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");
    }
}
