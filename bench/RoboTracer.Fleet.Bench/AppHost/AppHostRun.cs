namespace RoboTracer.Fleet.Bench.AppHost;

/// <summary>What one <c>dotnet run --project aspire/RoboTracer.Fleet.AppHost</c> took until every resource was healthy.</summary>
/// <param name="TotalSeconds">From starting <c>dotnet run</c> to the AppHost's "every resource is healthy" line, on our clock.</param>
/// <param name="HealthySeconds">The seconds that line reports: from the AppHost's own process start (after restore and build).</param>
/// <param name="Store">The store the AppHost chose, as its "the fleet is up" line names it.</param>
/// <param name="OthersCores">CPU used meanwhile by processes outside this run's process tree (and the hypervisor), in cores.</param>
/// <param name="HealthyAt">When each resource's "NAME is healthy" line came, seconds after starting <c>dotnet run</c>: where the time went.</param>
internal sealed record AppHostRun(double TotalSeconds, double HealthySeconds, string Store, double OthersCores, IReadOnlyDictionary<string, double> HealthyAt)
{
    /// <summary>The part before the AppHost's process started: <c>dotnet run</c>'s restore and build (or its up-to-date check).</summary>
    public double BuildSeconds => Math.Max(0, TotalSeconds - HealthySeconds);
}
