using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Grpc;
using RoboTracer.Fleet.Grpc.Server;
using RoboTracer.Fleet.Grpc.Services;

namespace RoboTracer.Fleet.Simulator.Tests.Infrastructure;

/// <summary>RobotLink as a minimal orchestrator speaks it: Hello (token check) → Welcome, then record everything.</summary>
internal sealed class FakeRobotLinkService(FakeLink link) : IGrpcService<FakeRobotLinkService>
{
    public static void Bind(GrpcServiceBinder<FakeRobotLinkService> binder) =>
        binder.AddDuplexStreaming(RobotLinkGrpc.Connect, (service, requests, responses, context) => service.ConnectAsync(requests, responses, context));

    private async Task ConnectAsync(IAsyncStreamReader<RobotMessage> requests, IServerStreamWriter<OrchestratorMessage> responses, ServerCallContext context)
    {
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, link.Stopping);
        if (!await requests.MoveNext(end.Token))
        {
            return;
        }
        var first = requests.Current;
        if (first.BodyCase != RobotMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(StatusCode.InvalidArgument, "the first message must be a Hello");
        }
        link.Record(first, context.RequestHeaders.GetValue("authorization"));
        if (link.Tokens is { } tokens && (!tokens.TryGetValue(first.Hello.RobotId, out var token) || token != first.Hello.Token))
        {
            throw new RpcException(StatusCode.Unauthenticated, $"unknown robot '{first.Hello.RobotId}' or wrong token");
        }
        var session = link.Open(responses);
        try
        {
            await session.WriteAsync(new OrchestratorMessage { Welcome = new Welcome { SessionId = session.Id, HeartbeatIntervalMs = link.HeartbeatIntervalMs } });
            while (await requests.MoveNext(end.Token))
            {
                link.Record(requests.Current, null);
            }
        }
        catch (OperationCanceledException) when (link.Stopping.IsCancellationRequested)
        {
            // The orchestrator is going away: end the stream cleanly.
        }
        finally
        {
            link.Close(session);
        }
    }
}
