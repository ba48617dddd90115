using RoboTracer.Fleet.Inference;
using RoboTracer.Fleet.ServiceDefaults;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddServiceDefaults();
builder.AddInferenceWorker();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInferenceWorker();
app.Run();
