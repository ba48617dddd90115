using Microsoft.Extensions.Configuration;

namespace RoboTracer.Fleet.ServiceDefaults.Tests;

public sealed class OtlpSettingsTests
{
    [Fact]
    public void No_endpoint_means_no_export()
    {
        Assert.False(OtlpSettings.ExportIsConfigured(Configuration(("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"))));
        Assert.False(OtlpSettings.ExportIsConfigured(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", " "))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public void An_absolute_endpoint_with_a_supported_protocol_turns_export_on(string? protocol)
    {
        var configuration = protocol is null
            ? Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))
            : Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318/otlp/"), ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol));

        Assert.True(OtlpSettings.ExportIsConfigured(configuration));
    }

    [Theory]
    [InlineData("http/json")]
    [InlineData("udp")]
    public void An_unsupported_protocol_is_refused_with_its_name(string protocol)
    {
        var error = Assert.Throws<InvalidOperationException>(() => OtlpSettings.ExportIsConfigured(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol))));
        Assert.Contains(protocol, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_endpoint_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OtlpSettings.ExportIsConfigured(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"))));
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_name_is_OTEL_SERVICE_NAME_or_else_the_application_name()
    {
        Assert.Equal("pool", OtlpSettings.ServiceName(Configuration(("OTEL_SERVICE_NAME", " pool ")), "app"));
        Assert.Equal("app", OtlpSettings.ServiceName(Configuration(), "app"));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
