namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>Any program (Aspire's <c>AddExecutable</c>).</summary>
internal sealed class ExecutableResource(string name, string fileName, string workingDirectory) : Resource(name)
{
    public override (string FileName, IReadOnlyList<string> Arguments) Command => (fileName, []);

    public override string WorkingDirectory { get; } = workingDirectory;
}
