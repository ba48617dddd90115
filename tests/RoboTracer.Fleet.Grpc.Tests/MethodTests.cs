using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Grpc.Health;

namespace RoboTracer.Fleet.Grpc.Tests;

public sealed class MethodTests
{
    [Fact]
    public void Methods_take_names_and_kinds_from_the_proto()
    {
        var trace = Methods.FromDescriptor<TraceRequest, TraceResponse>(SpatialTraceReflection.Descriptor.Services[0], "Trace");
        var stream = Methods.FromDescriptor<TraceRequest, TraceUpdate>(SpatialTraceReflection.Descriptor.Services[0], "TraceStream");
        var connect = Methods.FromDescriptor<RobotMessage, OrchestratorMessage>(RobotLinkReflection.Descriptor.Services[0], "Connect");

        Assert.Equal("/robotracer.v1.SpatialTracer/Trace", trace.FullName);
        Assert.Equal(MethodType.Unary, trace.Type);
        Assert.Equal(MethodType.ServerStreaming, stream.Type);
        Assert.Equal("/robotracer.v1.RobotLink/Connect", connect.FullName);
        Assert.Equal(MethodType.DuplexStreaming, connect.Type);
        Assert.Equal("/grpc.health.v1.Health/Watch", HealthMethods.Watch.FullName);
    }

    [Fact]
    public void A_binding_with_the_wrong_message_type_fails_at_startup()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Methods.FromDescriptor<TraceRequest, TraceUpdate>(SpatialTraceReflection.Descriptor.Services[0], "Trace"));
        Assert.Contains("robotracer.v1.TraceResponse", error.Message);
    }

    [Fact]
    public void An_unknown_method_name_fails_at_startup()
    {
        Assert.Throws<ArgumentException>(() =>
            Methods.FromDescriptor<TraceRequest, TraceResponse>(SpatialTraceReflection.Descriptor.Services[0], "Trace2"));
    }
}
