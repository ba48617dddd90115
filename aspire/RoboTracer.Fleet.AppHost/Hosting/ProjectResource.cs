namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// A .NET project of this repository run from its own build output (<c>dotnet bin/…/X.dll</c>), with the project
/// directory as working directory so its content root (appsettings.json, wwwroot) is the project's, as under
/// <c>dotnet run</c>.
/// </summary>
internal sealed class ProjectResource(string name, ProjectLocation project, string dotnetHost) : Resource(name)
{
    public ProjectLocation Project { get; } = project;

    public override (string FileName, IReadOnlyList<string> Arguments) Command => (dotnetHost, [Project.AssemblyPath]);

    public override string WorkingDirectory => Project.ProjectDirectory;

    public override bool IsDotNetHost => true;
}
