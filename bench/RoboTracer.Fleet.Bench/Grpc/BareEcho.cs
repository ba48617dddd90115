using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// The "limit" server's whole request handling: the same bytes on the wire as a successful gRPC unary echo
/// (200, <c>content-type: application/grpc</c>, the framed request body sent back, trailer <c>grpc-status: 0</c>)
/// with no parsing, validation or routing.
/// </summary>
internal static class BareEcho
{
    public static async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        var body = request.BodyReader;
        var result = await body.ReadAsync(context.RequestAborted);
        while (!result.IsCompleted)
        {
            body.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await body.ReadAsync(context.RequestAborted);
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        // The request body already is one framed message (flag, length, BytesValue): echo it as is. Left
        // unflushed, like our server's unary response, so headers, data and trailers leave together at the end.
        foreach (var segment in result.Buffer)
        {
            response.BodyWriter.Write(segment.Span);
        }
        body.AdvanceTo(result.Buffer.End);
        response.AppendTrailer("grpc-status", "0");
    }
}
