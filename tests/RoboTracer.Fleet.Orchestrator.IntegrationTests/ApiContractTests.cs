using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// The REST API against its own OpenAPI document and its endpoint table, on a real orchestrator over HTTP: every route
/// answers only statuses its operation documents, every error is problem+json, and every mutating route refuses a
/// call without the token before it changes anything. Routes are walked from the document and from the app's
/// endpoint data source, so a route added later is covered without editing these tests.
/// </summary>
public sealed class ApiContractTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    private static readonly string[] Mutating = ["POST", "PUT", "PATCH", "DELETE"];

    private OrchestratorHost Host => fleet.Host;

    [Fact]
    public async Task The_document_declares_the_bearer_scheme_and_the_statuses_of_a_submission()
    {
        var document = await DocumentAsync();

        var scheme = document["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal(("http", "bearer"), (scheme["type"]!.GetValue<string>(), scheme["scheme"]!.GetValue<string>()));
        var submit = document["paths"]!["/api/tasks"]!["post"]!;
        Assert.Equal(["202", "400", "401", "409", "415", "503"], submit["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(
            "#/components/schemas/ProblemDetails",
            submit["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.True(submit["security"]!.AsArray().Count > 0);
        var instruction = document["components"]!["schemas"]!["SubmitTaskRequest"]!["properties"]!["instruction"]!;
        // The planner's limit (Planner:MaxInstructionLength, 2,000 by default) is below the task's own 4,000.
        Assert.Equal(2000, instruction["maxLength"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_route_answers_only_the_statuses_its_operation_documents_for_valid_invalid_and_unauthorised_calls()
    {
        var document = await DocumentAsync();
        var task = await FleetApi.SubmitAsync(Host, "push the red cup to the left");
        var calls = 0;
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                var documented = operation!["responses"]!.AsObject().Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
                var secured = operation["security"] is JsonArray { Count: > 0 };
                foreach (var call in Calls(method.ToUpperInvariant(), path, task))
                {
                    using var request = call.Build(secured ? OrchestratorHost.Token : null);
                    using var response = await Host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    var status = (int)response.StatusCode;
                    Assert.True(documented.Contains(status), $"{call} answered {status}; {method.ToUpperInvariant()} {path} documents {string.Join(", ", documented.Order())}");
                    if (status >= 400)
                    {
                        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{call} answered {status} as {response.Content.Headers.ContentType}");
                    }
                    calls++;
                }
                if (secured)
                {
                    using var anonymous = Calls(method.ToUpperInvariant(), path, task).First().Build(token: null);
                    using var refused = await Host.Http.SendAsync(anonymous);
                    Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                }
            }
        }
        Assert.True(calls >= 14, $"only {calls} calls were made: the document lists fewer routes than the API has");
    }

    [Fact]
    public async Task Every_mutating_route_refuses_a_call_without_the_right_token_and_records_nothing()
    {
        // A task under way, so that a cancel that got through would show.
        await using var robot = await TestRobot.ConnectAsync(Host.Channel, "robot-3", OrchestratorHost.RobotToken("robot-3"));
        robot.AutoExecute = false;
        var task = await FleetApi.SubmitAsync(Host, $"put the {robot.Labels[0]} on the {robot.Labels[1]}", "robot-3");
        await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace));
        var mutating = Host.ApiRoutes.Where(r => Mutating.Contains(r.Method)).ToList();
        Assert.NotEmpty(mutating);
        // The robot keeps reporting on its step meanwhile, so the store as a whole moves; the task's own stream and
        // the task list must not.
        var stream = "task-" + task;
        var version = await Host.EventStore.GetStreamVersionAsync(stream);
        var tasks = (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count;

        foreach (var (method, endpoint) in mutating)
        {
            var path = Fill(endpoint.RoutePattern.RawText!, task, valid: true);
            foreach (var token in new[] { null, OrchestratorHost.Token + "-wrong" })
            {
                // A well-formed body and a malformed one: neither is read before the token is checked.
                foreach (var body in new[] { "{\"instruction\":\"push the red cup\"}", "{\"instruction\":" })
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    if (token is not null)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    }
                    using var response = await Host.Http.SendAsync(request);
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with token '{token}' and body {body} answered {(int)response.StatusCode}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }

        Assert.Equal(version, await Host.EventStore.GetStreamVersionAsync(stream));
        Assert.Equal(tasks, (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count);
        Assert.Equal("Assigned", FleetApi.Phase(await FleetApi.GetAsync(Host.Http, $"/api/tasks/{task}")));
    }

    [Fact]
    public async Task The_browsable_reference_is_served_from_the_orchestrator_itself()
    {
        var page = await Host.Http.GetStringAsync("/scalar");
        using var script = await Host.Http.GetAsync("/scalar/scalar.js");

        Assert.Contains("\"url\":\"openapi/v1.json\"", page, StringComparison.Ordinal);
        // Offline fleets: nothing of the page comes from elsewhere.
        Assert.DoesNotContain("https://cdn", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("fonts.scalar.com", page, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private async Task<JsonNode> DocumentAsync() => await FleetApi.GetAsync(Host.Http, "/openapi/v1.json");

    /// <summary>A valid call, then invalid ones: bad route values, a bad query, a malformed body, a body that is not JSON.</summary>
    private static IEnumerable<ApiCall> Calls(string method, string path, string task)
    {
        var hasBody = method is "POST" or "PUT" or "PATCH";
        var validBody = path == "/api/tasks" ? "{\"instruction\":\"put the red cup on the plate\"}" : null;
        yield return new ApiCall(method, Fill(path, task, valid: true), validBody, "application/json");
        if (path.Contains('{', StringComparison.Ordinal))
        {
            yield return new ApiCall(method, Fill(path, task, valid: false), validBody, "application/json");
        }
        if (method == "GET")
        {
            yield return new ApiCall(method, Fill(path, task, valid: true) + "?after=abc&phase=Sleeping", null, null);
        }
        if (hasBody && validBody is not null)
        {
            yield return new ApiCall(method, Fill(path, task, valid: true), "{\"instruction\": 42", "application/json");
            yield return new ApiCall(method, Fill(path, task, valid: true), "{\"instruction\": 42}", "application/json");
            yield return new ApiCall(method, Fill(path, task, valid: true), "put the red cup on the plate", "text/plain");
        }
    }

    /// <summary>The route with its parameters filled: an existing task and a well-formed hash, or values that are neither.</summary>
    private static string Fill(string pattern, string task, bool valid) => pattern
        .Replace("{id}", valid ? task : "not%20a%20task!", StringComparison.Ordinal)
        .Replace("{sha256}", valid ? new string('0', 64) : "xyz", StringComparison.Ordinal);

    private sealed record ApiCall(string Method, string Path, string? Body, string? ContentType)
    {
        public HttpRequestMessage Build(string? token)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Path);
            if (Body is not null)
            {
                request.Content = new StringContent(Body, Encoding.UTF8, ContentType!);
            }
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return request;
        }

        public override string ToString() => $"{Method} {Path}" + (Body is null ? "" : $" [{ContentType}] {Body}");
    }
}
