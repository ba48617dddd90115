using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Grpc.Client;

namespace RoboTracer.Fleet.Grpc.Services;

/// <summary>The methods of <c>robotracer.v1.RobotLink</c>, from robot_link.proto's descriptor.</summary>
public static class RobotLinkGrpc
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = RobotLinkReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("RobotLink");

    /// <summary>The service's full name.</summary>
    public static string ServiceName => Service.FullName;

    /// <summary>Bidirectional: the robot's session with the orchestrator.</summary>
    public static Method<RobotMessage, OrchestratorMessage> Connect { get; } = Methods.FromDescriptor<RobotMessage, OrchestratorMessage>(Service, "Connect");
}

/// <summary>A typed client of <c>robotracer.v1.RobotLink</c>, used by robots and the simulator.</summary>
public sealed class RobotLinkClient(GrpcChannel channel)
{
    /// <summary>Opens the robot's stream; the first message written must be a Hello.</summary>
    public AsyncDuplexStreamingCall<RobotMessage, OrchestratorMessage> Connect(CallOptions options = default) =>
        channel.AsyncDuplexStreamingCall(RobotLinkGrpc.Connect, options);
}
