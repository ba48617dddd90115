using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace RoboTracer.Fleet.ServiceDefaults.Tests;

public sealed class OtlpSettingsTests
{
    [Fact]
    public void No_endpoint_means_no_settings()
    {
        Assert.Null(OtlpSettings.From(Configuration(("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")), "app"));
        Assert.Null(OtlpSettings.From(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", " ")), "app"));
    }

    [Fact]
    public void Grpc_is_the_default_and_keeps_the_endpoint_as_given()
    {
        var settings = OtlpSettings.From(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")), "app")!;
        var options = new OtlpExporterOptions();

        settings.Apply(options, "traces");

        Assert.Equal(OtlpExportProtocol.Grpc, options.Protocol);
        Assert.Equal(new Uri("http://collector:4317"), options.Endpoint);
        Assert.Equal("app", settings.ServiceName);
    }

    [Fact]
    public void Http_protobuf_appends_the_signal_path_to_the_base_path()
    {
        var settings = OtlpSettings.From(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318/otlp/"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"), ("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-api-key=k"), ("OTEL_SERVICE_NAME", "pool")), "app")!;
        var options = new OtlpExporterOptions();

        settings.Apply(options, "metrics");

        Assert.Equal(new Uri("https://collector:4318/otlp/v1/metrics"), options.Endpoint);
        Assert.Equal("x-otlp-api-key=k", options.Headers);
        Assert.Equal("pool", settings.ServiceName);
    }

    [Theory]
    [InlineData("http/json")]
    [InlineData("udp")]
    public void An_unsupported_protocol_is_refused_with_its_name(string protocol)
    {
        var error = Assert.Throws<InvalidOperationException>(() => OtlpSettings.From(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)), "app"));
        Assert.Contains(protocol, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_endpoint_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => OtlpSettings.From(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317")), "app"));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
