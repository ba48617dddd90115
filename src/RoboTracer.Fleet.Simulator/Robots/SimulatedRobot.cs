using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Simulator.Configuration;
using RoboTracer.Fleet.Simulator.Faults;
using RoboTracer.Fleet.Simulator.Scenes;
using Point3D = RoboTracer.Fleet.Domain.Geometry.Point3D;

namespace RoboTracer.Fleet.Simulator.Robots;

/// <summary>
/// One simulated arm on RobotLink, behaving like a real robot: it connects with Hello (id, token, capabilities,
/// intrinsics, scene), waits for the Welcome, then sends heartbeats at the Welcome's interval, an Observation on
/// connect, after every scene change and at the end of every step, answers Ping with Pong, and follows
/// ExecuteTrace by carrying the object along the trace (<c>SimulatedRobot.Execution.cs</c>). When the stream breaks
/// it stops the arm (safe stop) and reconnects with exponential backoff, re-sending Hello; the step the break
/// interrupted is reported FAILED once the link is back. Time comes from a <see cref="TimeProvider"/>.
/// This file: the link; <c>.Commands.cs</c>: what the orchestrator asks; <c>.Execution.cs</c>: motion and faults.
/// </summary>
internal sealed partial class SimulatedRobot
{
    // A fixed-base arm: what it can reach from its base, and what it can carry.
    private const double MaxReachMetres = 0.85;
    private const double MaxPayloadKilograms = 1.0;
    private const int MaxObstacles = 2;
    private static readonly TimeSpan MinHeartbeatInterval = TimeSpan.FromMilliseconds(10);
    private static readonly string SoftwareVersion = "robotracer-sim/" + (typeof(SimulatedRobot).Assembly.GetName().Version?.ToString() ?? "0");

    private readonly RobotSettings _settings;
    private readonly (RobotLink.RobotLinkClient Client, string Address)[] _links;
    private int _link;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StepPlanner _planner;
    // Reconnect jitter has its own generator so that it never shifts the fault sequence.
    private readonly Random _jitter;
    private readonly Lock _gate = new();
    private SimulatedScene _scene;
    private LinkSession? _session;
    private StepRun? _current;
    private StepUpdate? _pendingReport;
    // The final report of the last step, sent again on every new link: the link that carried it may have died (its
    // silo killed) before the orchestrator read it, and nothing else would ever tell it the step ended. The
    // orchestrator ignores a report on a trace it no longer waits for.
    private StepUpdate? _lastFinalReport;
    private TimeSpan? _forcedReconnectDelay;
    private Point3D _gripper;
    private double _battery = 1;
    private int _obstacles;
    private int _sessions;
    // The highest ExecuteTrace command id executed (RobotLink numbers commands per robot).
    private ulong _lastExecuted;

    public SimulatedRobot(RobotSettings settings, GrpcChannel channel, TimeProvider time, ILogger logger)
        : this(settings, [channel], 0, time, logger)
    {
    }

    /// <summary>
    /// A robot that may link to any of <paramref name="orchestrators"/> (the silos of one cluster): it starts with
    /// the one at <paramref name="first"/> and moves to the next whenever its link ends, so robots spread over the
    /// silos and one whose silo died finds a live one.
    /// </summary>
    public SimulatedRobot(RobotSettings settings, IReadOnlyList<GrpcChannel> orchestrators, int first, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(orchestrators);
        ArgumentOutOfRangeException.ThrowIfZero(orchestrators.Count);
        _settings = settings;
        _links = [.. orchestrators.Select(c => (new RobotLink.RobotLinkClient(c), c.Target))];
        _link = first % _links.Length;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _scene = SceneFactory.Create(Seeds.Derive(settings.Seed, 1), settings.ImageWidth, settings.ImageHeight);
        _planner = new StepPlanner(Seeds.Derive(settings.Seed, 2), settings.Faults, settings.SceneChanges);
        _jitter = new Random(Seeds.Derive(settings.Seed, 3));
        // The gripper rests 30 cm above the table centre.
        _gripper = _scene.Tabletop.Camera.ToCamera(new Point3D(0, 0, 0.3));
    }

    public string Id => _settings.RobotId;

    public RobotSettings Settings => _settings;

    /// <summary>The world as it is now (a snapshot).</summary>
    public SimulatedScene Scene
    {
        get
        {
            lock (_gate)
            {
                return _scene;
            }
        }
    }

    /// <summary>Sessions that got a Welcome so far.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>Connects, and reconnects whenever the link breaks, until <paramref name="stoppingToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            using var session = new LinkSession(stoppingToken);
            try
            {
                await RunSessionAsync(session);
                if (session.Dropped)
                {
                    _logger.LogWarning("{Robot}: dropped the link (simulated disconnect)", Id);
                }
                else
                {
                    _logger.LogWarning("{Robot}: the orchestrator closed the link", Id);
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception) when (session.Dropped)
            {
                _logger.LogWarning("{Robot}: dropped the link (simulated disconnect)", Id);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
            {
                _logger.LogError("{Robot}: the orchestrator at {Address} refused the robot's credentials: {Detail} (check Fleet:RobotTokens:{Robot})", Id, _links[_link].Address, ex.Status.Detail, Id);
            }
            catch (Exception ex)
            {
                _logger.LogWarning("{Robot}: link to {Address} broke: {Error}", Id, _links[_link].Address, ex.Message);
            }
            failures = session.Welcomed ? 0 : failures + 1;
            _link = (_link + 1) % _links.Length;
            var delay = TakeForcedDelay() ?? Backoff(failures);
            _logger.LogInformation("{Robot}: reconnecting in {Delay} ms", Id, (long)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        _logger.LogInformation("{Robot}: stopped", Id);
    }

    private async Task RunSessionAsync(LinkSession session)
    {
        var headers = new Metadata();
        if (_settings.Token.Length > 0)
        {
            headers.Add("authorization", "Bearer " + _settings.Token);
        }
        using var call = _links[_link].Client.Connect(new CallOptions(headers, cancellationToken: session.Token));
        var pump = session.PumpAsync(call.RequestStream);
        Task heartbeats = Task.CompletedTask;
        try
        {
            session.Send(new RobotMessage { Hello = BuildHello() });
            var welcome = await ReadWelcomeAsync(call.ResponseStream, session);
            session.Welcomed = true;
            Interlocked.Increment(ref _sessions);
            var interval = welcome.HeartbeatIntervalMs > 0 ? TimeSpan.FromMilliseconds(welcome.HeartbeatIntervalMs) : _settings.DefaultHeartbeatInterval;
            interval = interval < MinHeartbeatInterval ? MinHeartbeatInterval : interval;
            _logger.LogInformation("{Robot}: connected to {Address} (session {Session}, scene {Scene}, heartbeat every {Interval} ms)",
                Id, _links[_link].Address, welcome.SessionId, _settings.SceneId, (long)interval.TotalMilliseconds);
            lock (_gate)
            {
                _session = session;
                // The end of a step the last link loss interrupted, then what the robot sees now.
                if (_pendingReport is { } report)
                {
                    _lastFinalReport = report;
                    _pendingReport = null;
                }
                if (_lastFinalReport is { } final)
                {
                    session.Send(new RobotMessage { StepUpdate = final });
                }
                SendObservationLocked();
            }
            heartbeats = HeartbeatAsync(session, interval);
            while (await call.ResponseStream.MoveNext(session.Token))
            {
                Handle(call.ResponseStream.Current, session);
            }
        }
        finally
        {
            StepRun? stopped;
            lock (_gate)
            {
                if (_session == session)
                {
                    _session = null;
                }
                stopped = EndRunOnLinkLossLocked();
            }
            stopped?.Stop();
            session.End();
            await Quietly(pump);
            await Quietly(heartbeats);
        }
    }

    private async Task<Welcome> ReadWelcomeAsync(IAsyncStreamReader<OrchestratorMessage> responses, LinkSession session)
    {
        using var timeout = new CancellationTokenSource(_settings.WelcomeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(session.Token, timeout.Token);
        try
        {
            if (!await responses.MoveNext(linked.Token))
            {
                throw new IOException("the orchestrator ended the stream before sending a Welcome");
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !session.Token.IsCancellationRequested)
        {
            throw new TimeoutException($"no Welcome within {_settings.WelcomeTimeout.TotalSeconds} s of the Hello");
        }
        var first = responses.Current;
        return first.BodyCase == OrchestratorMessage.BodyOneofCase.Welcome
            ? first.Welcome
            : throw new InvalidDataException($"expected a Welcome as the orchestrator's first message, got {first.BodyCase}");
    }

    private async Task HeartbeatAsync(LinkSession session, TimeSpan interval)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, _time, session.Token);
                lock (_gate)
                {
                    if (_session != session)
                    {
                        return;
                    }
                    session.Send(new RobotMessage
                    {
                        Heartbeat = new Heartbeat
                        {
                            SentUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                            Battery = _battery,
                            Pose = new Pose { Position = RobotWire.ToWire(_gripper), Orientation = new Quaternion { W = 1 } },
                            CurrentStepId = _current?.StepId ?? "",
                        },
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
    }

    private Hello BuildHello()
    {
        SimulatedScene scene;
        lock (_gate)
        {
            scene = _scene;
        }
        return new Hello
        {
            RobotId = Id,
            Token = _settings.Token,
            Capabilities = new RobotCapabilities
            {
                Kind = RobotKind.Arm,
                Workspace = RobotWire.ToWire(scene.Workspace),
                MaxReachM = MaxReachMetres,
                MaxPayloadKg = MaxPayloadKilograms,
                Actions = { "pick", "place", "push" },
            },
            Intrinsics = RobotWire.ToWire(scene.Tabletop.Intrinsics),
            SceneId = _settings.SceneId,
            AcknowledgesCommands = true,
            SoftwareVersion = SoftwareVersion,
        };
    }

    /// <summary>
    /// Queues an Observation of the scene as it is now on the current link. Rendering happens off the lock; the
    /// outbox keeps the message in its place in the order.
    /// </summary>
    private void SendObservationLocked()
    {
        if (_session is not { } session)
        {
            return;
        }
        var scene = _scene;
        var at = _time.GetUtcNow();
        if (!_settings.Render)
        {
            session.Send(new RobotMessage { Observation = RobotWire.Observe(scene, render: false, at) });
            return;
        }
        session.Send(Task.Run(() =>
        {
            try
            {
                return new RobotMessage { Observation = RobotWire.Observe(scene, render: true, at) };
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "{Robot}: rendering failed; sending the observation without images", Id);
                return new RobotMessage { Observation = RobotWire.Observe(scene, render: false, at) };
            }
        }));
    }

    private TimeSpan? TakeForcedDelay()
    {
        lock (_gate)
        {
            var delay = _forcedReconnectDelay;
            _forcedReconnectDelay = null;
            return delay;
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var initial = _settings.ReconnectInitialDelay.TotalMilliseconds;
        var delay = Math.Min(initial * Math.Pow(2, Math.Min(failures, 20)), _settings.ReconnectMaxDelay.TotalMilliseconds);
        // ±20% so a restarted orchestrator is not hit by every robot at the same instant.
        return TimeSpan.FromMilliseconds(delay * (0.8 + (0.4 * _jitter.NextDouble())));
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // The session is over; its pump and heartbeat end with it, and the reason was logged above.
        }
    }
}
