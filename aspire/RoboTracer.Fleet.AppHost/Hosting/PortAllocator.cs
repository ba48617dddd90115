using System.Net;
using System.Net.Sockets;

namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// Free loopback ports, probed by binding port 0. A port can be taken between the probe and the child binding it;
/// Aspire avoids that with proxies, which this composition does not need for a single machine.
/// </summary>
internal sealed class PortAllocator
{
    private readonly HashSet<int> _handedOut = [];

    public int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            // Within one composition a port is handed out once, even if the kernel offers it again.
            if (_handedOut.Add(port))
            {
                return port;
            }
        }
    }
}
