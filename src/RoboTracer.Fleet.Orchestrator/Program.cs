using RoboTracer.Fleet.Orchestrator;
using RoboTracer.Fleet.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetOrchestrator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapFleetOrchestrator();
app.Run();
