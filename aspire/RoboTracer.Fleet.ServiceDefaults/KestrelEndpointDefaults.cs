using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// The named endpoints every fleet service understands (DESIGN.md §4): <c>Grpc</c> speaks HTTP/2 (prior knowledge
/// in cleartext, ALPN h2 with TLS) and <c>Http</c> speaks HTTP/1.1 (and HTTP/2 over TLS). Configuration that sets
/// an endpoint's <c>Protocols</c> explicitly wins.
/// </summary>
public static class KestrelEndpointDefaults
{
    /// <summary>Endpoint name for gRPC traffic.</summary>
    public const string GrpcEndpoint = "Grpc";

    /// <summary>Endpoint name for HTTP/1.1 traffic (REST, dashboard, /query).</summary>
    public const string HttpEndpoint = "Http";

    /// <summary>Applies the protocol defaults of the <c>Grpc</c> and <c>Http</c> endpoints from <c>Kestrel:Endpoints</c>.</summary>
    public static IWebHostBuilder UseFleetEndpoints(this IWebHostBuilder webHost)
    {
        ArgumentNullException.ThrowIfNull(webHost);
        // Slim builders leave out loading certificates from configuration; TLS endpoints need it.
        webHost.UseKestrelHttpsConfiguration();
        return webHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false)
                .Endpoint(GrpcEndpoint, endpoint =>
                {
                    if (endpoint.ConfigSection["Protocols"] is null)
                    {
                        endpoint.ListenOptions.Protocols = HttpProtocols.Http2;
                    }
                })
                .Endpoint(HttpEndpoint, endpoint =>
                {
                    if (endpoint.ConfigSection["Protocols"] is null)
                    {
                        endpoint.ListenOptions.Protocols = endpoint.IsHttps ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
                    }
                });
        });
    }
}
