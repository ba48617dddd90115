using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoboTracer.Fleet.Cli.Api;

/// <summary>Source-generated JSON for the REST contract: camelCase (web defaults), nulls left out of requests.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SubmitTaskRequest))]
[JsonSerializable(typeof(SubmitTaskResponse))]
[JsonSerializable(typeof(TaskView))]
[JsonSerializable(typeof(List<TaskView>))]
[JsonSerializable(typeof(List<RobotView>))]
[JsonSerializable(typeof(FleetEvent))]
[JsonSerializable(typeof(List<FleetEvent>))]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class FleetApiJsonContext : JsonSerializerContext;
