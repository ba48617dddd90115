using Microsoft.Extensions.Hosting;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>Service defaults every fleet host adds first.</summary>
public static class Extensions
{
    /// <summary>Adds the fleet's service defaults (placeholder until the ServiceDefaults work lands).</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder => builder;
}
