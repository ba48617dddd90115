using System.Runtime.InteropServices;
using RoboTracer.Fleet.AppHost.Fleet;

// Ctrl-C or SIGTERM stops the fleet cleanly; a second one while stopping ends the AppHost at once.
using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

return await FleetAppHost.RunAsync(args, Console.Out, Console.Error, stop.Token);
