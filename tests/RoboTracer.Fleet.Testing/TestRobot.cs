using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Vision.Scenes;
using Point3D = RoboTracer.Fleet.Domain.Geometry.Point3D;

namespace RoboTracer.Fleet.Testing;

/// <summary>
/// A scripted robot on a real RobotLink stream: says hello, streams heartbeats and observations of a rendered
/// tabletop scene, and (when <see cref="AutoExecute"/>) follows every trace at once: accepted, half way, the
/// object moved to the trace's end, succeeded. Everything the orchestrator sends is kept in <see cref="Received"/>.
/// </summary>
public sealed class TestRobot : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<RobotMessage, OrchestratorMessage> _call;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, (string Label, OrientedBox3D Box)> _objects;
    private readonly byte[] _image;
    private readonly byte[] _depth;
    private readonly TabletopScene _scene;
    private Task<Exception?> _reader = Task.FromResult<Exception?>(null);
    private Task _observer = Task.CompletedTask;

    private TestRobot(string id, AsyncDuplexStreamingCall<RobotMessage, OrchestratorMessage> call, TabletopScene scene, bool acknowledgesCommands)
    {
        Id = id;
        AcknowledgesCommands = acknowledgesCommands;
        _call = call;
        _scene = scene;
        var rendered = scene.Render();
        _image = rendered.Rgb.ToPng();
        _depth = rendered.Depth.To16UC1();
        _objects = scene.Objects.Select((o, i) => (Id: $"obj-{i}", o.Label, Box: scene.ObjectBoxInCamera(i)))
            .ToDictionary(o => o.Id, o => (o.Label, o.Box));
    }

    public string Id { get; }

    /// <summary>Follow every trace at once (true), or only record it (false).</summary>
    public bool AutoExecute { get; set; } = true;

    public Channel<OrchestratorMessage> Received { get; } = Channel.CreateUnbounded<OrchestratorMessage>();

    /// <summary>The robot said in its hello that it acknowledges commands.</summary>
    public bool AcknowledgesCommands { get; }

    /// <summary>When it promised to: acknowledge each command as it arrives (true), or fall silent (false).</summary>
    public bool SendAcks { get; set; } = true;

    /// <summary>The labels of the scene's objects, e.g. "red cup".</summary>
    public IReadOnlyList<string> Labels => _scene.Objects.Select(o => o.Label).ToList();

    /// <summary>Completes with the call's end: null when the server ended it with OK, else its exception.</summary>
    public Task<Exception?> Ended { get; private set; } = Task.FromResult<Exception?>(null);

    public Point3D PositionOf(string label) => _objects.Values.First(o => o.Label == label).Box.Center;

    /// <summary>Connects, says hello and waits for the welcome.</summary>
    /// <exception cref="RpcException">The orchestrator refused the robot.</exception>
    public static async Task<TestRobot> ConnectAsync(GrpcChannel channel, string id, string token, int sceneSeed = 7, Metadata? headers = null, string? scene = null, bool acknowledgesCommands = false)
    {
        var call = new RobotLink.RobotLinkClient(channel).Connect(new CallOptions(headers));
        var robot = new TestRobot(id, call, TabletopScene.Generate(sceneSeed, new TabletopSceneOptions { Width = 320, Height = 240, MinObjects = 4, MaxObjects = 4 }), acknowledgesCommands);
        await robot.SendAsync(new RobotMessage { Hello = robot.Hello(token, scene ?? "table-" + id) });
        if (!await call.ResponseStream.MoveNext(CancellationToken.None) || call.ResponseStream.Current.Welcome is null)
        {
            throw new InvalidOperationException("the orchestrator answered the hello without a welcome");
        }
        robot._reader = robot.ReadAsync();
        robot.Ended = robot._reader;
        await robot.ObserveAsync();
        robot._observer = robot.KeepObservingAsync();
        return robot;
    }

    /// <summary>
    /// The next command of kind <paramref name="kind"/> (for <paramref name="task"/>, when given), skipping others:
    /// a robot shared by several tests may still hold commands of an earlier test's task.
    /// </summary>
    public async Task<OrchestratorMessage> NextAsync(OrchestratorMessage.BodyOneofCase kind, string? task = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var message = await Received.Reader.ReadAsync(timeout.Token);
            if (message.BodyCase == kind && (task is null || TaskOf(message) == task))
            {
                return message;
            }
        }
    }

    private static ulong? CommandIdOf(OrchestratorMessage message) => message.BodyCase switch
    {
        OrchestratorMessage.BodyOneofCase.ExecuteTrace => message.ExecuteTrace.CommandId,
        OrchestratorMessage.BodyOneofCase.CancelStep => message.CancelStep.CommandId,
        _ => null,
    };

    private static string? TaskOf(OrchestratorMessage message) => message.BodyCase switch
    {
        OrchestratorMessage.BodyOneofCase.ExecuteTrace => message.ExecuteTrace.TaskId,
        OrchestratorMessage.BodyOneofCase.CancelStep => message.CancelStep.TaskId,
        _ => null,
    };

    public Task ReportAsync(ExecuteTrace trace, StepState state, double progress, FailureKind failure = FailureKind.Unspecified) =>
        SendAsync(new RobotMessage
        {
            StepUpdate = new StepUpdate { TaskId = trace.TaskId, StepId = trace.StepId, TraceId = trace.TraceId, State = state, Progress = progress, Failure = failure },
        });

    /// <summary>Moves an object (scene change) and tells the orchestrator.</summary>
    public async Task MoveAsync(string label, Point3D to)
    {
        var (id, entry) = _objects.First(o => o.Value.Label == label);
        lock (_objects)
        {
            _objects[id] = (entry.Label, entry.Box with { Center = to });
        }
        await ObserveAsync();
    }

    public Task SendAsync(RobotMessage message) => SendAsync(message, CancellationToken.None);

    /// <summary>Drops the link without a goodbye, as a crashed robot would.</summary>
    public async Task DropAsync()
    {
        await _stop.CancelAsync();
        _call.Dispose();
        await Task.WhenAll(_observer, _reader).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // Already gone.
        }
        _call.Dispose();
        await Task.WhenAll(_observer, _reader).WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
    }

    private Hello Hello(string token, string scene)
    {
        var intrinsics = _scene.Intrinsics;
        var hello = new Hello
        {
            RobotId = Id,
            Token = token,
            SceneId = scene,
            AcknowledgesCommands = AcknowledgesCommands,
            Intrinsics = new CameraIntrinsics { Fx = intrinsics.Fx, Fy = intrinsics.Fy, Cx = intrinsics.Cx, Cy = intrinsics.Cy, Width = (uint)intrinsics.Width, Height = (uint)intrinsics.Height },
            Capabilities = new RobotCapabilities
            {
                Kind = RobotKind.Arm,
                MaxReachM = 1.5,
                MaxPayloadKg = 2,
                Workspace = new Box3D { Center = new Contracts.V1.Point3D { X = 0, Y = 0, Z = 2 }, Extent = new Contracts.V1.Point3D { X = 6, Y = 6, Z = 4 } },
            },
        };
        hello.Capabilities.Actions.AddRange(["pick", "place", "push", "wipe", "open", "close"]);
        return hello;
    }

    private async Task ObserveAsync()
    {
        // Built while holding the write lock, so what goes out shows every change reported before it: a robot must
        // never follow "step succeeded" with a picture from before the step.
        await _writeLock.WaitAsync(_stop.Token);
        try
        {
            await _call.RequestStream.WriteAsync(new RobotMessage { Observation = Observation() }, _stop.Token);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Observation Observation()
    {
        var intrinsics = _scene.Intrinsics;
        var observation = new Observation
        {
            TakenUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Image = new Image { Data = ByteString.CopyFrom(_image), MediaType = "image/png" },
            Depth = new DepthImage { Data = ByteString.CopyFrom(_depth), Encoding = DepthEncoding._16Uc1, Width = (uint)intrinsics.Width, Height = (uint)intrinsics.Height },
            Intrinsics = new CameraIntrinsics { Fx = intrinsics.Fx, Fy = intrinsics.Fy, Cx = intrinsics.Cx, Cy = intrinsics.Cy, Width = (uint)intrinsics.Width, Height = (uint)intrinsics.Height },
        };
        lock (_objects)
        {
            foreach (var (id, (label, box)) in _objects)
            {
                var (w, x, y, z) = box.Rotation.ToQuaternion();
                observation.Objects.Add(new Contracts.V1.SceneObject
                {
                    Id = id,
                    Label = label,
                    Confidence = 0.95f,
                    Box = new Box3D { Center = ProtoGeometry.ToWire(box.Center), Extent = ProtoGeometry.ToWire(box.Extent), Rotation = new Quaternion { W = w, X = x, Y = y, Z = z } },
                });
            }
        }
        return observation;
    }

    // Robots observe continuously; a step's verification waits for an observation made after the robot finished.
    private async Task KeepObservingAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), _stop.Token);
                await SendAsync(new RobotMessage { Heartbeat = new Heartbeat { Battery = 0.9, SentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, _stop.Token);
                await ObserveAsync();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Stopped, or the link is gone.
        }
    }

    private async Task<Exception?> ReadAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(_stop.Token))
            {
                var message = _call.ResponseStream.Current;
                // Decided before the test can see the command (and change SendAcks in answer to it).
                var ack = AcknowledgesCommands && SendAcks ? CommandIdOf(message) : null;
                Received.Writer.TryWrite(message);
                if (ack is { } command)
                {
                    await SendAsync(new RobotMessage { CommandAck = new CommandAck { CommandId = command } }, _stop.Token);
                }
                if (AutoExecute && message.ExecuteTrace is { } trace)
                {
                    await ExecuteAsync(trace);
                }
                else if (message.CancelStep is { } cancel)
                {
                    await SendAsync(new RobotMessage { StepUpdate = new StepUpdate { TaskId = cancel.TaskId, StepId = cancel.StepId, TraceId = cancel.TraceId, State = StepState.Cancelled } }, _stop.Token);
                }
            }
            return null;
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Stopped, or the link is gone; Ended reports how.
            return e;
        }
        finally
        {
            Received.Writer.TryComplete();
        }
    }

    /// <summary>Follows <paramref name="trace"/> at once: accepted, half way, the object at its end, succeeded.</summary>
    public async Task ExecuteAsync(ExecuteTrace trace)
    {
        await ReportAsync(trace, StepState.Accepted, 0);
        await ReportAsync(trace, StepState.Executing, 0.5);
        if (trace.ObjectId is { Length: > 0 } objectId && trace.Points3D.Count > 0)
        {
            lock (_objects)
            {
                var (label, box) = _objects[objectId];
                _objects[objectId] = (label, box with { Center = ProtoGeometry.ToPoint(trace.Points3D[^1]) });
            }
        }
        await ReportAsync(trace, StepState.Succeeded, 1);
    }

    private async Task SendAsync(RobotMessage message, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _call.RequestStream.WriteAsync(message, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
