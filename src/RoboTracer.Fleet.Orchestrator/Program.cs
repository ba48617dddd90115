using RoboTracer.Fleet.Orchestrator;
using RoboTracer.Fleet.Orchestrator.Hosting;
using RoboTracer.Fleet.ServiceDefaults;

// `migrate`: apply the store's schema migrations and exit (deploy/kubernetes runs it as a Job).
if (MigrateCommand.IsRequested(args))
{
    return await MigrateCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetOrchestrator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapFleetOrchestrator();
await app.RunAsync();
return 0;
