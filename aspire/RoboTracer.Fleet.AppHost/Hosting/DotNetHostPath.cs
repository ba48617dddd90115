namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>The <c>dotnet</c> host that runs the children: the one running the AppHost when it runs under <c>dotnet</c>.</summary>
internal static class DotNetHostPath
{
    public static string Find()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }
        // Started through its own apphost executable (as `dotnet run` does): the SDK names its host here.
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk) ? fromSdk : "dotnet";
    }
}
