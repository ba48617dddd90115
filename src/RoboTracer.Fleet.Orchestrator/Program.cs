using RoboTracer.Fleet.Orchestrator;
using RoboTracer.Fleet.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetOrchestrator();

var app = builder.Build();
app.MapFleetOrchestrator();
app.Run();
