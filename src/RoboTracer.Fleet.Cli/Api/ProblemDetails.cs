namespace RoboTracer.Fleet.Cli.Api;

/// <summary>An <c>application/problem+json</c> error (RFC 9457); <c>errors</c> as ASP.NET Core's validation problems carry them.</summary>
internal sealed record ProblemDetails(string? Type, string? Title, int? Status, string? Detail, Dictionary<string, string[]>? Errors);
