using Google.Protobuf;
using Grpc.Core;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Grains;
using RoboTracer.Fleet.Grains.Robots;
using RoboTracer.Fleet.Orchestrator.Hosting;
using RoboTracer.Fleet.Orchestrator.Telemetry;
using Wire = RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>
/// <c>robotracer.v1.RobotLink/Connect</c>: authenticates the robot from its hello (or <c>authorization: Bearer</c>
/// metadata), registers it, and then feeds its heartbeats, observations and step reports to the grains while the
/// grains' commands come down the same stream: the link is a grain observer (<see cref="RobotSession"/>) that the
/// robot's grain calls from whichever silo it lives on. A malformed message ends the stream with INVALID_ARGUMENT
/// and changes nothing; the robot's grain learns of every disconnect at once.
/// </summary>
internal sealed partial class RobotLinkService(
    FleetNode node,
    RobotSessions sessions,
    ObservationIngest observations,
    OrchestratorOptions options,
    TaskTelemetry telemetry,
    IHostApplicationLifetime lifetime,
    ILogger<RobotLinkService> logger)
    : Wire.RobotLink.RobotLinkBase
{
    public override async Task Connect(IAsyncStreamReader<Wire.RobotMessage> requestStream, IServerStreamWriter<Wire.OrchestratorMessage> responseStream, ServerCallContext context)
    {
        var (requests, responses) = (requestStream, responseStream);
        var hello = await ReadHelloAsync(requests, context);
        var robot = Authenticate(hello, context);
        var robotGrain = node.Grains.GetRobot(robot);

        // The link ends with the call, or when the server stops (robots reconnect to another node).
        using var callOrServer = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        using var session = new RobotSession(robot, responses, hello.AcknowledgesCommands, options.CommandAckTimeout, telemetry, callOrServer.Token);
        // Orleans holds observers weakly: the session lives as long as this call, and the reference is deleted with it.
        var link = node.Grains.CreateObjectReference<IRobotLink>(session);
        try
        {
            await ServeAsync(robot, robotGrain, hello, session, link, requests, context);
        }
        finally
        {
            node.Grains.DeleteObjectReference<IRobotLink>(link);
        }
    }

    private async Task ServeAsync(RobotId robot, IRobotGrain robotGrain, Wire.Hello hello, RobotSession session, IRobotLink link, IAsyncStreamReader<Wire.RobotMessage> requests, ServerCallContext context)
    {
        SceneId scene;
        try
        {
            scene = (await robotGrain.RegisterAsync(LinkMapping.ToRegistration(hello), link)).Scene!.Value;
        }
        catch (Exception e) when (e is ArgumentException or LinkProtocolException)
        {
            LogRejected(robot, e.Message);
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"robot '{robot}' was not registered: {e.Message}"));
        }
        sessions.Attach(session);
        LogConnected(robot, session.Id, context.Peer);
        var reason = "the robot closed its link";
        try
        {
            await session.WelcomeAsync(new Wire.Welcome { SessionId = session.Id, HeartbeatIntervalMs = (uint)options.HeartbeatInterval.TotalMilliseconds }, context.CancellationToken);
            await ReadAsync(robot, scene, session, link, requests);
        }
        catch (OperationCanceledException) when (session.Replaced)
        {
            reason = "a newer connection replaced this one";
            throw new RpcException(new Status(StatusCode.Aborted, $"robot '{robot}' connected again; this older link is closed"));
        }
        catch (Exception e) when (e is LinkProtocolException or ArgumentException)
        {
            reason = "the robot sent a malformed message: " + e.Message;
            LogRejected(robot, e.Message);
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (InvalidProtocolBufferException e)
        {
            // An IOException too, but the robot's fault, not the link's: the call says so.
            reason = "the robot sent bytes that are not a RobotMessage: " + e.Message;
            LogRejected(robot, reason);
            throw new RpcException(new Status(StatusCode.InvalidArgument, reason));
        }
        catch (Exception e) when (session.Ended.IsCancellationRequested || e is OperationCanceledException or IOException)
        {
            reason = lifetime.ApplicationStopping.IsCancellationRequested ? "the orchestrator is stopping" : "the link broke";
        }
        finally
        {
            // Only the current link speaks for the robot: a replaced one must not mark the new connection offline.
            if (sessions.Detach(session))
            {
                LogDisconnected(robot, session.Id, reason);
                await robotGrain.DisconnectAsync(reason, link);
            }
        }
    }

    private async Task<Wire.Hello> ReadHelloAsync(IAsyncStreamReader<Wire.RobotMessage> requests, ServerCallContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(options.HelloTimeout);
        try
        {
            if (!await requests.MoveNext(timeout.Token))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "the link closed before the robot said hello"));
            }
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"no hello within {options.HelloTimeout.TotalSeconds:0.#} s of opening the link"));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the first message is not a RobotMessage: {e.Message}"));
        }
        return requests.Current.Hello
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"the first message on the link must be a hello, not {requests.Current.BodyCase}"));
    }

    private RobotId Authenticate(Wire.Hello hello, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(hello.RobotId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the hello has no robot_id"));
        }
        RobotId robot;
        try
        {
            robot = new RobotId(hello.RobotId);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        var presented = hello.Token is { Length: > 0 } token ? token : OrchestratorOptions.BearerToken(context.RequestHeaders.GetValue("authorization"));
        // One answer for an unknown robot and a wrong token: the link does not tell which robot ids exist.
        if (!options.RobotTokens.TryGetValue(robot.Value, out var expected) || !OrchestratorOptions.SecretMatches(presented, expected))
        {
            LogUnauthenticated(robot, context.Peer);
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"robot '{robot}' is unknown or its token is wrong"));
        }
        return robot;
    }

    /// <summary>
    /// Reads the robot's messages until the link ends, handling them in <see cref="LinkLanes"/>; returns once every
    /// message read has been handled. A malformed message throws, from here, before anything after it is handled.
    /// </summary>
    private async Task ReadAsync(RobotId robot, SceneId scene, RobotSession session, IRobotLink link, IAsyncStreamReader<Wire.RobotMessage> requests)
    {
        using var lanes = new LinkLanes(session.Ended);
        var nextHeartbeat = long.MinValue;
        try
        {
            while (await requests.MoveNext(lanes.Reading))
            {
                if (requests.Current.BodyCase == Wire.RobotMessage.BodyOneofCase.CommandAck)
                {
                    // At once, not in a lane: the robot's grain may be waiting for it before it takes the next report.
                    AcknowledgeCommand(session, requests.Current.CommandAck);
                    continue;
                }
                if (requests.Current.BodyCase == Wire.RobotMessage.BodyOneofCase.Heartbeat)
                {
                    // At most one per Fleet:HeartbeatForwardInterval reaches the grain (checked all the same: a
                    // malformed heartbeat still ends the link).
                    _ = LinkMapping.ToHeartbeat(requests.Current.Heartbeat);
                    var now = TimeProvider.System.GetTimestamp();
                    if (now < nextHeartbeat)
                    {
                        continue;
                    }
                    nextHeartbeat = now + (long)(options.HeartbeatForwardInterval.TotalSeconds * TimeProvider.System.TimestampFrequency);
                }
                var (lane, handle) = Route(robot, scene, link, requests.Current, session.Ended);
                await lanes.PostAsync(lane, handle);
            }
        }
        catch (OperationCanceledException) when (lanes.Fault is not null)
        {
            // Reading stopped because a message failed: that failure is the link's end, thrown below.
        }
        finally
        {
            // The robot's last messages are handled before the link's end marks it offline.
            await lanes.DrainAsync();
        }
        lanes.ThrowIfFaulted();
    }

    /// <summary>Checks and converts a message at once (a malformed one throws here) and says how to handle it.</summary>
    private (LinkLane Lane, Func<Task> Handle) Route(RobotId robot, SceneId scene, IRobotLink link, Wire.RobotMessage message, CancellationToken cancellationToken)
    {
        switch (message.BodyCase)
        {
            case Wire.RobotMessage.BodyOneofCase.Heartbeat:
                var heartbeat = LinkMapping.ToHeartbeat(message.Heartbeat);
                return (LinkLane.Robot, () => node.Grains.GetRobot(robot).HeartbeatAsync(heartbeat, link));
            case Wire.RobotMessage.BodyOneofCase.Observation:
                // Reports and observations are stamped on arrival: they are handled in different lanes, so only the
                // order they arrived in tells whether an observation shows the scene after a step's success.
                var observation = message.Observation;
                var observedAt = TimeProvider.System.GetUtcNow();
                return (LinkLane.Scene, async () =>
                {
                    var merged = await observations.IngestAsync(observation, cancellationToken);
                    await node.Grains.GetScene(scene).ObserveAsync(merged with { ReceivedAt = observedAt });
                });
            case Wire.RobotMessage.BodyOneofCase.StepUpdate:
                var update = LinkMapping.ToStepUpdate(message.StepUpdate) with { ReceivedAt = TimeProvider.System.GetUtcNow() };
                return (LinkLane.Robot, () => node.Grains.GetRobot(robot).ReportStepUpdateAsync(update));
            case Wire.RobotMessage.BodyOneofCase.Pong:
                return (LinkLane.Robot, () => Task.CompletedTask);
            case Wire.RobotMessage.BodyOneofCase.Hello:
                throw new LinkProtocolException("a second hello on the same link; open a new link to register again");
            default:
                throw new LinkProtocolException("an empty message");
        }
    }

    private void AcknowledgeCommand(RobotSession session, Wire.CommandAck ack)
    {
        if (!session.Acknowledge(ack.CommandId))
        {
            // Late (its command already timed out) or a duplicate: nothing waits for it, and nothing is wrong.
            LogUnexpectedAck(session.Robot, ack.CommandId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Robot {Robot} acknowledged command {CommandId}, which no command waits for")]
    private partial void LogUnexpectedAck(RobotId robot, ulong commandId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Robot {Robot} connected (session {Session}, from {Peer})")]
    private partial void LogConnected(RobotId robot, string session, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Robot {Robot} disconnected (session {Session}): {Reason}")]
    private partial void LogDisconnected(RobotId robot, string session, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Robot link of {Robot} rejected: {Problem}")]
    private partial void LogRejected(RobotId robot, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Robot {Robot} from {Peer} presented no valid token")]
    private partial void LogUnauthenticated(RobotId robot, string peer);
}
