using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Simulator.Tests.Infrastructure;

/// <summary>RobotLink as a minimal orchestrator speaks it: Hello (token check) → Welcome, then record everything.</summary>
internal sealed class FakeRobotLinkService(FakeLink link) : RobotLink.RobotLinkBase
{
    public override async Task Connect(IAsyncStreamReader<RobotMessage> requestStream, IServerStreamWriter<OrchestratorMessage> responseStream, ServerCallContext context)
    {
        var (requests, responses) = (requestStream, responseStream);
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, link.Stopping);
        if (!await requests.MoveNext(end.Token))
        {
            return;
        }
        var first = requests.Current;
        if (first.BodyCase != RobotMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message must be a Hello"));
        }
        link.Record(first, context.RequestHeaders.GetValue("authorization"));
        if (link.Tokens is { } tokens && (!tokens.TryGetValue(first.Hello.RobotId, out var token) || token != first.Hello.Token))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"unknown robot '{first.Hello.RobotId}' or wrong token"));
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
