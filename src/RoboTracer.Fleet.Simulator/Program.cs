using Microsoft.Extensions.Hosting;
using RoboTracer.Fleet.ServiceDefaults;
using RoboTracer.Fleet.Simulator;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetSimulator();
builder.Build().Run();
