using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RoboTracer.Fleet.Grpc.Protocol;

namespace RoboTracer.Fleet.Grpc.Server;

/// <summary>
/// Answers gRPC calls that no endpoint took with UNIMPLEMENTED, as the spec wants, instead of an HTTP 404. It runs
/// at the end of the pipeline, after endpoint routing found nothing, so mapped calls never pay for it (a
/// catch-all route would make the router capture values on every call).
/// </summary>
internal sealed class UnimplementedMethodStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        var registry = app.ApplicationServices.GetRequiredService<GrpcServiceRegistry>();
        app.Run(context =>
        {
            var request = context.Request;
            if (!HttpMethods.IsPost(request.Method) || !GrpcProtocol.IsGrpcContentType(request.ContentType) || context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            var path = request.Path.Value ?? "";
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var detail = parts.Length == 2 && registry.HasService(parts[0])
                ? $"Method '{parts[1]}' is unimplemented on service '{parts[0]}'."
                : $"Service '{(parts.Length > 0 ? parts[0] : path)}' is unimplemented.";
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = GrpcProtocol.ContentType;
            response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Unimplemented).ToString(CultureInfo.InvariantCulture);
            response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(detail);
            return Task.CompletedTask;
        });
    };
}
