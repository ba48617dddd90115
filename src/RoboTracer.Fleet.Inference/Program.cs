using RoboTracer.Fleet.Inference;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddInferenceWorker();

var app = builder.Build();
app.MapInferenceWorker();
app.Run();
