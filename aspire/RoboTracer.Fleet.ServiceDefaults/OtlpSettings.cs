using Microsoft.Extensions.Configuration;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// The standard OTLP exporter variables (OpenTelemetry specification, "OTLP Exporter Configuration"), read through
/// <see cref="IConfiguration"/> so that command-line and in-memory configuration work as well as the environment. The
/// exporter reads them itself; this checks them first, so that a wrong value stops the service with a message that
/// names it instead of a warning in the SDK's own event log and no telemetry.
/// </summary>
internal static class OtlpSettings
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    /// <summary>True when an endpoint is configured (then telemetry is collected and exported); throws on a bad value.</summary>
    public static bool ExportIsConfigured(IConfiguration configuration)
    {
        var endpoint = configuration[EndpointKey];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return false;
        }
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{EndpointKey} is '{endpoint}': expected an absolute http:// or https:// URL.");
        }
        // The .NET exporter's default is grpc (the specification's is http/protobuf), so the usual
        // OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 of the Aspire dashboard works without a protocol.
        var protocol = configuration[ProtocolKey];
        if (protocol?.Trim().ToLowerInvariant() is not (null or "" or "grpc" or "http/protobuf"))
        {
            throw new InvalidOperationException($"{ProtocolKey} is '{protocol}': expected grpc or http/protobuf (http/json is not supported by the .NET exporter).");
        }
        return true;
    }

    /// <summary><c>OTEL_SERVICE_NAME</c> when set, else the application's name.</summary>
    public static string ServiceName(IConfiguration configuration, string applicationName) =>
        configuration[ServiceNameKey] is { } name && !string.IsNullOrWhiteSpace(name) ? name.Trim() : applicationName;
}
