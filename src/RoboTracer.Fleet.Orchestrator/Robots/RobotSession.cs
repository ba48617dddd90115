using Grpc.Core;
using RoboTracer.Fleet.Domain.Ids;
using Wire = RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Orchestrator.Robots;

/// <summary>
/// One live <c>RobotLink/Connect</c> stream. Writes from grains, the link and pings are serialized here, since a
/// gRPC stream takes one write at a time. <see cref="Replace"/> ends the stream when a newer connection of the same
/// robot takes over.
/// </summary>
internal sealed class RobotSession(RobotId robot, IServerStreamWriter<Wire.OrchestratorMessage> writer, CancellationToken callAborted) : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _ended = CancellationTokenSource.CreateLinkedTokenSource(callAborted);

    public RobotId Robot { get; } = robot;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Fires when the call ends or the session is replaced.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>True once a newer connection took over.</summary>
    public bool Replaced { get; private set; }

    public async Task SendAsync(Wire.OrchestratorMessage message, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _ended.Token);
        try
        {
            await _writeLock.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            throw new RobotLinkClosedException(Robot);
        }
        try
        {
            await writer.WriteAsync(message, linked.Token);
        }
        catch (Exception e) when (_ended.IsCancellationRequested || e is IOException or InvalidOperationException)
        {
            throw new RobotLinkClosedException(Robot, e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Replace()
    {
        Replaced = true;
        _ended.Cancel();
    }

    public void Dispose()
    {
        _ended.Dispose();
        _writeLock.Dispose();
    }
}
