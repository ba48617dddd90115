namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>Everything needed to start one replica; <see cref="Environment"/> entries with a null value are removed from the inherited environment.</summary>
internal sealed record ProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string?> Environment);
