using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using RoboTracer.Fleet.Planner;
using Scalar.AspNetCore;

namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>
/// <c>/openapi/v1.json</c> as a client needs it: the bearer scheme and which operations need it, the body's limits and
/// an example; and the browsable reference (Scalar) at <c>/scalar</c>, beside the dashboard. The statuses come from
/// each route's own <c>Produces</c> declarations.
/// </summary>
internal static class OpenApiDocumentation
{
    public const string ReferencePath = "/scalar";

    public static IServiceCollection AddFleetOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "RoboTracer.Fleet orchestrator";
            document.Info.Description = "Dispatch long-horizon tasks to the robot fleet, watch them, cancel them, replay their history. "
                + $"Mutating calls (and reads, with Fleet:RequireTokenForReads) need 'Authorization: Bearer <FLEET_API_TOKEN>'. Browse it at {ReferencePath}.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiTokenAuthentication.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The fleet's API token (FLEET_API_TOKEN; printed by the AppHost at start). GET routes also take ?access_token=, for EventSource.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiTokenAuthentication.SchemeName, context.Document)] = [] });
            }
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(SubmitTaskRequest) && schema.Properties is { } properties)
            {
                if (properties.TryGetValue("instruction", out var instruction) && instruction is OpenApiSchema text)
                {
                    text.MinLength = 1;
                    text.MaxLength = TaskEndpoints.MaxInstructionLength(context.ApplicationServices.GetRequiredService<PlannerOptions>());
                }
                schema.Required ??= new HashSet<string>();
                schema.Required.Add("instruction");
                schema.Examples = [new JsonObject { ["instruction"] = "put the red cup on the plate, then wipe the table", ["robotId"] = "robot-1" }];
            }
            return Task.CompletedTask;
        });
    });

    /// <summary>The document, and the reference that browses it.</summary>
    public static WebApplication MapFleetOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(ReferencePath, reference =>
        {
            reference.Title = "RoboTracer.Fleet API";
            // Offline: the bundle is served from the package, and the fonts must not come from a CDN either.
            reference.DefaultFonts = false;
            reference.AddPreferredSecuritySchemes(ApiTokenAuthentication.SchemeName);
        });
        return app;
    }
}
