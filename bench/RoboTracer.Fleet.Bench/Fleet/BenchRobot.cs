using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Bench.Fleet;

/// <summary>
/// A lean simulated robot on a real RobotLink stream, without rendering after its first frame: hello, one
/// observation with a small rendered image and depth (a tracer needs one frame of the scene), then heartbeats at
/// the welcome's interval. Each ExecuteTrace runs for a drawn duration (the arm moving; not orchestration):
/// ACCEPTED at once, EXECUTING 0.5 half way, the object moved to the trace's end, SUCCEEDED, and an observation of
/// the scene as it now is (objects only), in the simulator's order. It times, on its own clock, the gap from
/// writing SUCCEEDED of one step to receiving the ExecuteTrace of the next, and logs what it sent and received
/// so the store can be audited afterwards.
/// </summary>
internal sealed class BenchRobot
{
    private const int ImageWidth = 64;
    private const int ImageHeight = 48;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Label, OrientedBox3D Box)> _objects;
    private readonly TabletopScene _scene;
    private readonly Func<TimeSpan> _stepDuration;
    private AsyncDuplexStreamingCall<RobotMessage, OrchestratorMessage>? _call;
    private TimeSpan _heartbeatInterval;
    private long _succeededAt;
    private Task _reader = Task.CompletedTask;
    private Task _heartbeats = Task.CompletedTask;
    private readonly List<Task> _steps = [];
    private readonly CancellationTokenSource _stop = new();

    public BenchRobot(int index, int seed, Func<TimeSpan> stepDuration)
    {
        Id = "bench-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Token = "secret-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _stepDuration = stepDuration;
        _scene = TabletopScene.Generate(seed, new TabletopSceneOptions { Width = ImageWidth, Height = ImageHeight, MinObjects = 4, MaxObjects = 4 });
        _objects = _scene.Objects.Select((o, i) => (Id: $"obj-{i}", o.Label, Box: _scene.ObjectBoxInCamera(i)))
            .ToDictionary(o => o.Id, o => (o.Label, o.Box));
    }

    public string Id { get; }

    public string Token { get; }

    /// <summary>The labels of the scene's objects, e.g. "red cup".</summary>
    public IReadOnlyList<string> Labels => [.. _scene.Objects.Select(o => o.Label)];

    /// <summary>Stopwatch timestamp of the task's submission (set by the benchmark) and of the first ExecuteTrace.</summary>
    public long SubmittedAt { get; set; }

    public long FirstTraceAt { get; private set; }

    /// <summary>SUCCEEDED written → next ExecuteTrace received, in Stopwatch ticks, one per step after the first.</summary>
    public List<long> Gaps { get; } = [];

    /// <summary>The trace id that ended each of <see cref="Gaps"/>.</summary>
    public List<string> GapTraces { get; } = [];

    /// <summary>Trace ids received in ExecuteTrace, in order, with their task.</summary>
    public List<(string Task, string Trace)> Traces { get; } = [];

    /// <summary>Step updates written, by trace id (each must be recorded as the robot's report).</summary>
    public Dictionary<string, int> UpdatesByTrace { get; } = new(StringComparer.Ordinal);

    public int Observations { get; private set; }

    public int StepsSucceeded { get; private set; }

    public int Cancelled { get; private set; }

    public int Heartbeats { get; private set; }

    /// <summary>Completes when the robot has succeeded <see cref="StepsWanted"/> steps.</summary>
    public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int StepsWanted { get; set; }

    /// <summary>Connects, says hello, waits for the welcome, sends the first observation and starts heartbeats.</summary>
    public async Task ConnectAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        _call = new RobotLink.RobotLinkClient(channel).Connect();
        await SendAsync(new RobotMessage { Hello = Hello() });
        if (!await _call.ResponseStream.MoveNext(cancellationToken) || _call.ResponseStream.Current.Welcome is not { } welcome)
        {
            throw new Harness.BenchmarkFailedException($"{Id}: the orchestrator answered the hello without a welcome");
        }
        _heartbeatInterval = TimeSpan.FromMilliseconds(Math.Max(10, welcome.HeartbeatIntervalMs));
        _reader = ReadAsync();
        await ObserveAsync(withFrame: true);
        _heartbeats = HeartbeatAsync();
    }

    /// <summary>Ends the link as a robot leaving: its heartbeats stop, its request stream completes, the server ends the call.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _heartbeats;
        Task[] steps;
        lock (_gate)
        {
            steps = [.. _steps];
        }
        await Task.WhenAll(steps);
        await _writeLock.WaitAsync();
        try
        {
            await _call!.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // Already gone.
        }
        finally
        {
            _writeLock.Release();
        }
        // The server handles a link's messages in order and ends the call after the last: once the reader has seen
        // the end, everything this robot sent has been processed.
        await _reader.WaitAsync(TimeSpan.FromSeconds(30));
        _call!.Dispose();
    }

    private Hello Hello()
    {
        var k = _scene.Intrinsics;
        var hello = new Hello
        {
            RobotId = Id,
            Token = Token,
            SceneId = "table-" + Id,
            // As the simulator does: the orchestrator hears a command delivered when the robot says so.
            AcknowledgesCommands = true,
            Intrinsics = new CameraIntrinsics { Fx = k.Fx, Fy = k.Fy, Cx = k.Cx, Cy = k.Cy, Width = (uint)k.Width, Height = (uint)k.Height },
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

    private async Task ReadAsync()
    {
        try
        {
            while (await _call!.ResponseStream.MoveNext(CancellationToken.None))
            {
                var message = _call.ResponseStream.Current;
                if (message.ExecuteTrace is { } trace)
                {
                    var now = Stopwatch.GetTimestamp();
                    lock (_gate)
                    {
                        if (FirstTraceAt == 0)
                        {
                            FirstTraceAt = now;
                        }
                        else if (_succeededAt != 0)
                        {
                            Gaps.Add(now - _succeededAt);
                            GapTraces.Add(trace.TraceId);
                        }
                        _succeededAt = 0;
                        Traces.Add((trace.TaskId, trace.TraceId));
                        _steps.Add(ExecuteAsync(trace));
                    }
                    await SendAsync(new RobotMessage { CommandAck = new CommandAck { CommandId = trace.CommandId } });
                }
                else if (message.CancelStep is { } cancel)
                {
                    lock (_gate)
                    {
                        Cancelled++;
                    }
                    await ReportAsync(cancel.TaskId, cancel.StepId, cancel.TraceId, StepState.Cancelled, 0);
                    await SendAsync(new RobotMessage { CommandAck = new CommandAck { CommandId = cancel.CommandId } });
                }
            }
        }
        catch (Exception e) when (e is RpcException or IOException or OperationCanceledException)
        {
            // The link ended; StopAsync waits for this.
        }
    }

    private async Task ExecuteAsync(ExecuteTrace trace)
    {
        var duration = _stepDuration();
        await ReportAsync(trace.TaskId, trace.StepId, trace.TraceId, StepState.Accepted, 0);
        await Task.Delay(duration / 2);
        await ReportAsync(trace.TaskId, trace.StepId, trace.TraceId, StepState.Executing, 0.5);
        await Task.Delay(duration / 2);
        if (trace.ObjectId is { Length: > 0 } objectId && trace.Points3D.Count > 0)
        {
            lock (_gate)
            {
                if (_objects.TryGetValue(objectId, out var entry))
                {
                    _objects[objectId] = (entry.Label, entry.Box with { Center = ProtoGeometry.ToPoint(trace.Points3D[^1]) });
                }
            }
        }
        await ReportAsync(trace.TaskId, trace.StepId, trace.TraceId, StepState.Succeeded, 1);
        var succeeded = Stopwatch.GetTimestamp();
        bool done;
        lock (_gate)
        {
            _succeededAt = succeeded;
            StepsSucceeded++;
            done = StepsSucceeded >= StepsWanted;
        }
        await ObserveAsync(withFrame: false);
        if (done)
        {
            Done.TrySetResult(true);
        }
    }

    private async Task ReportAsync(string task, string step, string trace, StepState state, double progress)
    {
        lock (_gate)
        {
            UpdatesByTrace[trace] = UpdatesByTrace.GetValueOrDefault(trace) + 1;
        }
        await SendAsync(new RobotMessage { StepUpdate = new StepUpdate { TaskId = task, StepId = step, TraceId = trace, State = state, Progress = progress } });
    }

    private async Task ObserveAsync(bool withFrame)
    {
        var k = _scene.Intrinsics;
        var observation = new Observation
        {
            TakenUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Intrinsics = new CameraIntrinsics { Fx = k.Fx, Fy = k.Fy, Cx = k.Cx, Cy = k.Cy, Width = (uint)k.Width, Height = (uint)k.Height },
        };
        if (withFrame)
        {
            var rendered = _scene.Render();
            observation.Image = new Image { Data = ByteString.CopyFrom(rendered.Rgb.ToPng()), MediaType = "image/png" };
            observation.Depth = new DepthImage { Data = ByteString.CopyFrom(rendered.Depth.To16UC1()), Encoding = DepthEncoding._16Uc1, Width = (uint)k.Width, Height = (uint)k.Height };
        }
        lock (_gate)
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
            Observations++;
        }
        await SendAsync(new RobotMessage { Observation = observation });
    }

    private async Task HeartbeatAsync()
    {
        using var timer = new PeriodicTimer(_heartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await SendAsync(new RobotMessage { Heartbeat = new Heartbeat { Battery = 0.9, SentUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } });
                Heartbeats++;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task SendAsync(RobotMessage message)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _call!.RequestStream.WriteAsync(message);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
