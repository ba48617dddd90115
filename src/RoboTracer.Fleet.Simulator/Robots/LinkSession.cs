using System.Threading.Channels;
using Grpc.Core;
using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Simulator.Robots;

/// <summary>
/// One RobotLink stream's outgoing side. Writes on a gRPC stream must not overlap, so everything goes through one
/// ordered outbox and one pump. An entry may be a message still being produced (a rendering observation): the pump
/// awaits entries in order, so messages leave in the order they were sent whatever their cost.
/// </summary>
internal sealed class LinkSession : IDisposable
{
    private readonly Channel<Task<RobotMessage>> _outbox = Channel.CreateUnbounded<Task<RobotMessage>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _end;
    private int _dropped;

    public LinkSession(CancellationToken robotStopping)
    {
        _end = CancellationTokenSource.CreateLinkedTokenSource(robotStopping);
    }

    /// <summary>Cancelled when the session ends, for whatever reason.</summary>
    public CancellationToken Token => _end.Token;

    /// <summary>The session got its Welcome.</summary>
    public bool Welcomed { get; set; }

    /// <summary>The robot dropped this link on purpose (a simulated disconnect).</summary>
    public bool Dropped => Volatile.Read(ref _dropped) != 0;

    public void Send(RobotMessage message) => _outbox.Writer.TryWrite(Task.FromResult(message));

    public void Send(Task<RobotMessage> pending) => _outbox.Writer.TryWrite(pending);

    /// <summary>Writes the outbox to <paramref name="stream"/> until the session ends.</summary>
    public async Task PumpAsync(IClientStreamWriter<RobotMessage> stream)
    {
        await foreach (var entry in _outbox.Reader.ReadAllAsync(Token))
        {
            await stream.WriteAsync(await entry, Token);
        }
    }

    /// <summary>Drops the link (a simulated disconnect): the stream is cancelled and the robot reconnects.</summary>
    public void Drop()
    {
        Interlocked.Exchange(ref _dropped, 1);
        End();
    }

    public void End()
    {
        try
        {
            _end.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session has already been torn down.
        }
    }

    public void Dispose()
    {
        _outbox.Writer.TryComplete();
        _end.Dispose();
    }
}
