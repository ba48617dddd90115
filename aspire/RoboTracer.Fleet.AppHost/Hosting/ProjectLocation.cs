namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>Where a project and its build output are.</summary>
internal sealed record ProjectLocation(string Name, string ProjectDirectory, string AssemblyPath)
{
    /// <summary>
    /// The project <c>{repository}/{relativeDirectory}</c> built in <paramref name="configuration"/> for
    /// <paramref name="targetFramework"/>: <c>bin/{configuration}/{targetFramework}/{name}.dll</c>, the SDK's default
    /// output path (Directory.Build.props does not move it).
    /// </summary>
    public static ProjectLocation InRepository(string repositoryRoot, string relativeDirectory, string configuration, string targetFramework)
    {
        var directory = Path.GetFullPath(Path.Combine(repositoryRoot, relativeDirectory));
        var name = Path.GetFileName(directory.TrimEnd('/'));
        return new ProjectLocation(name, directory, Path.Combine(directory, "bin", configuration, targetFramework, name + ".dll"));
    }
}
