using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace RoboTracer.Fleet.Orchestrator.Api;

/// <summary>
/// Requests the framework cannot bind (<see cref="RouteHandlerOptions.ThrowOnBadRequest"/> is on, so they reach the
/// exception handler instead of a bare 400): a body that is not JSON, a field of the wrong type. Answered as
/// problem+json whose detail says what was wrong and where (field, line and position, 1-based) and what to send
/// instead, without the framework's internal names (parameter names, CLR types).
/// </summary>
internal sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        var status = bad.StatusCode;
        var detail = bad.InnerException is JsonException json ? DescribeJson(json) : DescribeOther(bad, httpContext.Request);
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), Detail = detail },
        });
    }

    /// <summary>Where the JSON went wrong: a field of the wrong type, or the place the text stops being JSON.</summary>
    private static string DescribeJson(JsonException json)
    {
        var where = json.LineNumber is { } line && json.BytePositionInLine is { } position ? $" (line {line + 1}, position {position + 1})" : "";
        var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        const string conversion = "The JSON value could not be converted to ";
        if (field is not null && json.Message.StartsWith(conversion, StringComparison.Ordinal))
        {
            var type = json.Message[conversion.Length..].Split(". Path:", 2)[0];
            return $"The body's field '{field}' has a value of the wrong type{where}: it must be {JsonKind(type)}.";
        }
        // System.Text.Json's reader messages name the offending token; the path and position it appends are restated.
        var reason = json.Message.Split(" Path: ", 2)[0].TrimEnd('.');
        return $"The body is not valid JSON{where}: {reason}. Send a JSON object, e.g. {{\"instruction\": \"put the red cup on the plate\"}}.";
    }

    // The JSON a CLR type is written as, so the message does not name our types.
    private static string JsonKind(string clrType) => clrType.TrimEnd('?').Replace("System.Nullable`1[", "", StringComparison.Ordinal).TrimEnd(']') switch
    {
        "System.String" => "a string",
        "System.Boolean" => "true or false",
        "System.Int32" or "System.Int64" or "System.UInt32" or "System.UInt64" => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        var other when other.EndsWith("[]", StringComparison.Ordinal) || other.Contains("List`1", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };

    private static string DescribeOther(BadHttpRequestException bad, HttpRequest request) =>
        request.ContentLength == 0
            ? "The request needs a JSON body, e.g. {\"instruction\": \"put the red cup on the plate\"}."
            : "The request could not be read: " + bad.Message;
}
