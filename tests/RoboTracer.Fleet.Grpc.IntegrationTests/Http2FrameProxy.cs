using System.Net;
using System.Net.Sockets;

namespace RoboTracer.Fleet.Grpc.IntegrationTests;

/// <summary>
/// A TCP proxy between a client and a server that reads the HTTP/2 frames the client sends (after the 24-byte
/// connection preface, each frame is a 9-byte header: 24-bit length, type, flags, stream id — RFC 9113 §4.1),
/// counts PING frames, and can turn into a black hole that swallows everything, as a dead network path does.
/// </summary>
public sealed class Http2FrameProxy : IAsyncDisposable
{
    private const int PingFrameType = 0x6;
    private const int AckFlag = 0x1;
    private const int PrefaceLength = 24;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _pingSignal = new(0);
    private volatile bool _blackHole;
    private int _pings;

    public Http2FrameProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Pings => Volatile.Read(ref _pings);

    /// <summary>From now on nothing passes either way, but both connections stay open.</summary>
    public void BecomeBlackHole() => _blackHole = true;

    /// <summary>Waits until the client has sent at least <paramref name="count"/> PINGs.</summary>
    public async Task WaitForPingsAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Pings < count)
        {
            try
            {
                await _pingSignal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The client sent {Pings} PING frames, expected {count}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new TcpClient();
            await server.ConnectAsync(_target);
            _ = Task.Run(() => PumpAsync(client, server, countFrames: true));
            _ = Task.Run(() => PumpAsync(server, client, countFrames: false));
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool countFrames)
    {
        var input = from.GetStream();
        var output = to.GetStream();
        var parser = new FrameHeaderParser(this);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    to.Client.Shutdown(SocketShutdown.Send);
                    return;
                }
                if (_blackHole)
                {
                    continue;
                }
                if (countFrames)
                {
                    parser.Feed(buffer.AsSpan(0, read));
                }
                await output.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One side went away or the proxy stopped; the other side notices through its own socket.
        }
    }

    private void OnPing()
    {
        Interlocked.Increment(ref _pings);
        _pingSignal.Release();
    }

    /// <summary>Follows frame boundaries across reads; only the frame headers are looked at.</summary>
    private sealed class FrameHeaderParser(Http2FrameProxy proxy)
    {
        private readonly byte[] _header = new byte[9];
        private int _prefaceLeft = PrefaceLength;
        private int _headerFilled;
        private long _payloadLeft;

        public void Feed(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                if (_prefaceLeft > 0)
                {
                    var skip = Math.Min(_prefaceLeft, data.Length);
                    _prefaceLeft -= skip;
                    data = data[skip..];
                }
                else if (_payloadLeft > 0)
                {
                    var skip = (int)Math.Min(_payloadLeft, data.Length);
                    _payloadLeft -= skip;
                    data = data[skip..];
                }
                else
                {
                    var take = Math.Min(_header.Length - _headerFilled, data.Length);
                    data[..take].CopyTo(_header.AsSpan(_headerFilled));
                    _headerFilled += take;
                    data = data[take..];
                    if (_headerFilled == _header.Length)
                    {
                        _headerFilled = 0;
                        _payloadLeft = (_header[0] << 16) | (_header[1] << 8) | _header[2];
                        if (_header[3] == PingFrameType && (_header[4] & AckFlag) == 0)
                        {
                            proxy.OnPing();
                        }
                    }
                }
            }
        }
    }
}
