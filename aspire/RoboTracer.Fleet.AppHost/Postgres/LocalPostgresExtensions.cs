using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RoboTracer.Fleet.AppHost.Postgres;

internal static class LocalPostgresExtensions
{
    /// <summary>
    /// PostgreSQL from <paramref name="binDirectory"/> with its cluster in <paramref name="clusterDirectory"/>, healthy
    /// once <c>pg_isready</c> says it accepts connections.
    /// </summary>
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, string binDirectory, string clusterDirectory)
    {
        var script = Path.Combine(builder.AppHostDirectory, "postgres", "run-postgres.sh");
        var resource = new LocalPostgresResource(name, "/bin/sh", builder.AppHostDirectory);
        var healthCheck = $"{name}-accepts-connections";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, cancellationToken => IsReadyAsync(binDirectory, resource.Endpoint, cancellationToken));
        return builder.AddResource(resource)
            .WithArgs(script, binDirectory, clusterDirectory)
            .WithEndpoint(name: LocalPostgresResource.EndpointName, scheme: "tcp", env: "PGPORT", isExternal: false)
            .WithHealthCheck(healthCheck);
    }

    private static async Task<HealthCheckResult> IsReadyAsync(string binDirectory, EndpointReference endpoint, CancellationToken cancellationToken)
    {
        if (!endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("the endpoint has no port yet");
        }
        var start = new ProcessStartInfo(Path.Combine(binDirectory, "pg_isready"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-h", endpoint.Host, "-p", FleetEndpoints.Text(endpoint.Port), "-U", "postgres", "-t", "2" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        // pg_isready: 0 accepting connections, 1 rejecting (starting up), 2 no response, 3 bad parameters.
        return process.ExitCode == 0 ? HealthCheckResult.Healthy(output.Trim()) : HealthCheckResult.Unhealthy($"pg_isready exited {process.ExitCode}: {output.Trim()}");
    }
}
