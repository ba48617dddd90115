using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Simulator.Tests.Infrastructure;

/// <summary>The fake orchestrator's side of the links: an inbox of every robot message, and the latest session to send on.</summary>
internal sealed class FakeLink(uint heartbeatIntervalMs, IReadOnlyDictionary<string, string>? tokens)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Channel<RobotMessage> _inbox = Channel.CreateUnbounded<RobotMessage>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Session? _current;
    private int _sessions;

    public uint HeartbeatIntervalMs { get; } = heartbeatIntervalMs;

    public IReadOnlyDictionary<string, string>? Tokens { get; } = tokens;

    public CancellationToken Stopping => _stopping.Token;

    public ConcurrentQueue<string?> AuthorizationHeaders { get; } = new();

    /// <summary>Every message received, in order, including the ones the Next methods skipped.</summary>
    public ConcurrentQueue<RobotMessage> All { get; } = new();

    public int SessionsOpened => Volatile.Read(ref _sessions);

    public void Record(RobotMessage message, string? authorization)
    {
        if (message.BodyCase == RobotMessage.BodyOneofCase.Hello)
        {
            AuthorizationHeaders.Enqueue(authorization);
        }
        All.Enqueue(message);
        _inbox.Writer.TryWrite(message);
    }

    public Session Open(IServerStreamWriter<OrchestratorMessage> responses)
    {
        var session = new Session(Interlocked.Increment(ref _sessions).ToString(CultureInfo.InvariantCulture), responses);
        lock (_gate)
        {
            _current = session;
        }
        return session;
    }

    public void Close(Session session)
    {
        lock (_gate)
        {
            if (_current == session)
            {
                _current = null;
            }
        }
    }

    public void EndAllSessions() => _stopping.Cancel();

    /// <summary>Sends to the robot on the latest open session.</summary>
    public Task SendAsync(OrchestratorMessage message)
    {
        Session? session;
        lock (_gate)
        {
            session = _current;
        }
        return session is null ? throw new InvalidOperationException("no robot is connected") : session.WriteAsync(message);
    }

    /// <summary>The next message that matches, skipping (and consuming) the ones that do not.</summary>
    public async Task<RobotMessage> NextAsync(Func<RobotMessage, bool> match, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        var skipped = new List<string>();
        try
        {
            while (true)
            {
                var message = await _inbox.Reader.ReadAsync(cts.Token);
                if (match(message))
                {
                    return message;
                }
                skipped.Add(Describe(message));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {what} within {(timeout ?? Timeout).TotalSeconds} s; skipped: {string.Join(" | ", skipped.TakeLast(20))}");
        }
    }

    public async Task<Hello> NextHelloAsync() => (await NextAsync(m => m.BodyCase == RobotMessage.BodyOneofCase.Hello, "Hello")).Hello;

    public async Task<Observation> NextObservationAsync() => (await NextAsync(m => m.BodyCase == RobotMessage.BodyOneofCase.Observation, "Observation")).Observation;

    public async Task<StepUpdate> NextStepUpdateAsync() => (await NextAsync(m => m.BodyCase == RobotMessage.BodyOneofCase.StepUpdate, "StepUpdate")).StepUpdate;

    public async Task<CommandAck> NextCommandAckAsync() => (await NextAsync(m => m.BodyCase == RobotMessage.BodyOneofCase.CommandAck, "CommandAck")).CommandAck;

    /// <summary>The next step update or observation (heartbeats and pongs skipped), to check their order.</summary>
    public Task<RobotMessage> NextEventAsync() =>
        NextAsync(m => m.BodyCase is RobotMessage.BodyOneofCase.StepUpdate or RobotMessage.BodyOneofCase.Observation, "StepUpdate or Observation");

    public static string Describe(RobotMessage message) => message.BodyCase switch
    {
        RobotMessage.BodyOneofCase.StepUpdate => $"StepUpdate({message.StepUpdate.StepId}/{message.StepUpdate.TraceId} {message.StepUpdate.State} {message.StepUpdate.Progress:F2} {message.StepUpdate.Failure} {message.StepUpdate.Detail})",
        RobotMessage.BodyOneofCase.Observation => $"Observation({message.Observation.Objects.Count} objects)",
        _ => message.BodyCase.ToString(),
    };

    internal sealed class Session(string id, IServerStreamWriter<OrchestratorMessage> responses)
    {
        private readonly SemaphoreSlim _write = new(1, 1);

        public string Id { get; } = id;

        public async Task WriteAsync(OrchestratorMessage message)
        {
            await _write.WaitAsync();
            try
            {
                await responses.WriteAsync(message);
            }
            finally
            {
                _write.Release();
            }
        }
    }
}
