using System.Reflection;
using RoboTracer.Fleet.AppHost.Hosting;

namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>The children's projects, located from what the build recorded in this assembly (see the csproj).</summary>
internal sealed record FleetProjects(ProjectLocation Inference, ProjectLocation Orchestrator, ProjectLocation Simulator)
{
    public static FleetProjects FromBuild()
    {
        var metadata = typeof(FleetProjects).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Value is not null)
            .ToDictionary(a => a.Key, a => a.Value!, StringComparer.Ordinal);
        var root = metadata["FleetRepositoryRoot"];
        var configuration = metadata["FleetConfiguration"];
        var framework = metadata["FleetTargetFramework"];
        ProjectLocation Project(string name) => ProjectLocation.InRepository(root, Path.Combine("src", name), configuration, framework);
        return new FleetProjects(Project("RoboTracer.Fleet.Inference"), Project("RoboTracer.Fleet.Orchestrator"), Project("RoboTracer.Fleet.Simulator"));
    }

    public IEnumerable<ProjectLocation> All => [Inference, Orchestrator, Simulator];
}
