using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting.Kubernetes;
using RoboTracer.Fleet.Orchestrator.Hosting;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// Orleans' Kubernetes hosting in the orchestrator's composition (<see cref="FleetSilo"/>), without a cluster: what
/// <c>Orleans:Kubernetes:Enabled</c> registers, not what the agent later does against an API server.
/// </summary>
public sealed class KubernetesHostingTests
{
    private const string Postgres = "Host=db.invalid;Database=fleet";

    [Fact]
    public void Kubernetes_hosting_is_off_by_default()
    {
        var services = Compose(("ConnectionStrings:fleetdb", Postgres));

        Assert.DoesNotContain(services, IsKubernetesAgent);
        Assert.Equal("AdoNetClusteringTable", MembershipTable(services));
    }

    [Fact]
    public void Kubernetes_hosting_is_on_when_configured_and_membership_stays_in_postgres()
    {
        var services = Compose(("ConnectionStrings:fleetdb", Postgres), (FleetSilo.KubernetesHostingKey, "true"));

        Assert.Single(services, IsKubernetesAgent);
        Assert.Equal("AdoNetClusteringTable", MembershipTable(services));
    }

    [Fact]
    public void Kubernetes_hosting_set_to_false_stays_off()
    {
        var services = Compose(("ConnectionStrings:fleetdb", Postgres), (FleetSilo.KubernetesHostingKey, "false"));

        Assert.DoesNotContain(services, IsKubernetesAgent);
    }

    [Fact]
    public void Kubernetes_hosting_on_the_embedded_sqlite_store_is_refused_with_what_to_do()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Compose(("Store:SqlitePath", "/tmp/fleet-k8s-test.db"), (FleetSilo.KubernetesHostingKey, "true")));

        Assert.Contains("Orleans:Kubernetes:Enabled is true but the store is SQLite", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:fleetdb", error.Message, StringComparison.Ordinal);
    }

    private static bool IsKubernetesAgent(ServiceDescriptor descriptor) => descriptor.ImplementationType == typeof(KubernetesClusterAgent);

    private static string? MembershipTable(IServiceCollection services) =>
        services.Last(d => d.ServiceType == typeof(IMembershipTable)).ImplementationType?.Name;

    /// <summary>The orchestrator's services as its Program.cs composes them over <paramref name="settings"/> (built, never started).</summary>
    private static IServiceCollection Compose(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddFleetOrchestrator();
        return builder.Services;
    }
}
