namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>A command line or configuration the AppHost cannot run with; exit code 2.</summary>
internal sealed class AppHostUsageException(string message) : Exception(message);
