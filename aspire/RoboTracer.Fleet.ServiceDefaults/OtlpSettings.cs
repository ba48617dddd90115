using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// The OTLP exporter settings from the standard environment variables (OpenTelemetry specification, "OTLP Exporter
/// Configuration"), read through <see cref="IConfiguration"/> so that command-line and in-memory configuration work
/// as well as the environment.
/// </summary>
internal sealed record OtlpSettings(Uri Endpoint, OtlpExportProtocol Protocol, string? Headers, string ServiceName)
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string HeadersKey = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    /// <summary>The settings, or null when no endpoint is configured: then nothing is collected or exported.</summary>
    public static OtlpSettings? From(IConfiguration configuration, string applicationName)
    {
        var endpoint = configuration[EndpointKey];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{EndpointKey} is '{endpoint}': expected an absolute http:// or https:// URL.");
        }
        var serviceName = configuration[ServiceNameKey];
        return new OtlpSettings(uri, ParseProtocol(configuration[ProtocolKey]), configuration[HeadersKey], string.IsNullOrWhiteSpace(serviceName) ? applicationName : serviceName.Trim());
    }

    /// <summary>Applies the settings for one signal (<c>traces</c>, <c>metrics</c>, <c>logs</c>).</summary>
    public void Apply(OtlpExporterOptions options, string signal)
    {
        options.Protocol = Protocol;
        // The exporter appends /v1/{signal} itself only to an endpoint it read from the environment; one set in code is
        // used as given, so the path is added here (specification: "Endpoint URLs for OTLP/HTTP").
        options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf ? SignalUri(signal) : Endpoint;
        if (!string.IsNullOrWhiteSpace(Headers))
        {
            options.Headers = Headers;
        }
    }

    private Uri SignalUri(string signal)
    {
        var basePath = Endpoint.AbsolutePath.TrimEnd('/');
        return new UriBuilder(Endpoint) { Path = $"{basePath}/v1/{signal}" }.Uri;
    }

    // The .NET SDK's default is grpc (the specification's is http/protobuf): we keep the SDK's, so that the usual
    // `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317` for the Aspire dashboard works as it does with the real package.
    private static OtlpExportProtocol ParseProtocol(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"{ProtocolKey} is '{value}': expected grpc or http/protobuf (http/json is not supported by the .NET exporter)."),
    };
}
