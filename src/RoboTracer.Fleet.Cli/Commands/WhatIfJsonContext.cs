using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>Source-generated JSON for the what-if report: camelCase, nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WhatIfReport))]
internal sealed partial class WhatIfJsonContext : JsonSerializerContext;
