using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace RoboTracer.Fleet.Testing.Fuzzing;

/// <summary>
/// Generated requests against the orchestrator's REST API, one surface at a time (bodies, queries and route values,
/// headers), and what every answer must be whatever the request: never a 5xx, every 4xx a problem+json with a detail,
/// and nothing recorded for a request that was refused (the task list is as it was). (One exception: Kestrel answers a
/// path with a NUL in it with a bare 400 before the application sees it.) The tests run a few hundred
/// cases per surface; <c>bench fuzz</c> runs ten thousand or more.
/// </summary>
public static class RestFuzz
{
    /// <summary>
    /// Sends <paramref name="cases"/> generated requests of <paramref name="surface"/>, one after another, and checks each
    /// answer; throws (with the smallest failing request CsCheck finds) when one breaks a rule. Returns the count of
    /// answers by status.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, int>> RunAsync(OrchestratorHost host, string surface, long cases, string? seed = null)
    {
        var statuses = new Dictionary<int, int>();
        await Surfaces[surface].SampleAsync(async request =>
        {
            var before = await host.TaskCountAsync();
            using var message = request.Build();
            using var response = await host.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
            if (status >= 500)
            {
                throw new FuzzFailure($"{request} answered {status}: {await response.Content.ReadAsStringAsync()}");
            }
            // Kestrel itself refuses a path with a NUL in it, before any middleware, with a bare 400.
            var refusedByKestrel = status == 400 && request.Path.Contains("%00", StringComparison.Ordinal) && response.Content.Headers.ContentLength == 0;
            if (status >= 400 && !refusedByKestrel)
            {
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    throw new FuzzFailure($"{request} answered {status} as {response.Content.Headers.ContentType}, not problem+json");
                }
                var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                if (problem?["detail"]?.GetValue<string>() is not { Length: > 0 })
                {
                    throw new FuzzFailure($"{request} answered {status} without a detail");
                }
            }
            var accepted = request.Method == "POST" && status == 202;
            var after = await host.TaskCountAsync();
            // An Idempotency-Key already used for the same instruction answers 202 with the task it made before.
            var replayed = accepted && after == before && request.Headers.Any(h => h.Name == "Idempotency-Key");
            if (after != before + (accepted ? 1 : 0) && !replayed)
            {
                throw new FuzzFailure($"{request} answered {status}, and the task list went from {before} to {after}");
            }
        }, seed: seed, iter: cases, threads: 1, print: r => r.ToString());
        return statuses;
    }

    // --- generators (in the order static initialisers need them) ---------------------------------------------------

    /// <summary>Text a client might send: words, control characters, quotes and braces, other scripts, lone surrogates.</summary>
    internal static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.OneOf("put the red cup on the plate", "wipe the table", "push the box to the left, then open the drawer", "")),
        (3, Gen.String[Gen.Char["abc xyz,.;\"'\\{}[]:0123456789\t\n\r\u0000\u0007\u001b\u00e9\u4e2d\u0627\ud83e\udd16"], 0, 80]),
        (1, Gen.String[Gen.Char, 0, 40]),
        (1, Gen.Int[1_990, 4_100].Select(n => new string('a', n))));

    /// <summary>Any JSON value, shallow or deep, of any type.</summary>
    internal static readonly Gen<JsonNode?> Value = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 3
        ? Scalar()
        : Gen.Frequency(
            (4, Scalar()),
            (1, inner.Array[0, 3].Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())]))),
            (1, Gen.Select(Text, inner).Array[0, 3].Select(pairs =>
            {
                var o = new JsonObject();
                foreach (var (key, item) in pairs)
                {
                    o[key] = item?.DeepClone();
                }
                return (JsonNode?)o;
            }))));

    private static Gen<JsonNode?> Scalar() => Gen.OneOf(
        Text.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n)),
        Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Const((JsonNode?)null));

    private static readonly Gen<string> RobotIds = Gen.Frequency(
        (3, Gen.Int[1, 12].Select(n => $"robot-{n}")),
        (2, Text));

    /// <summary>Submission bodies: well-formed, with fields of any type and value, and text that is not JSON or stops early.</summary>
    private static Gen<FuzzRequest> Bodies()
    {
        var objects = Gen.Select(
            Gen.Frequency((4, Text.Select(t => (JsonNode?)JsonValue.Create(t))), (1, Value)),
            Gen.Frequency((2, Gen.Const((JsonNode?)null)), (2, RobotIds.Select(r => (JsonNode?)JsonValue.Create(r))), (1, Value)),
            Gen.Select(Text, Value).Array[0, 2],
            (instruction, robot, extra) =>
            {
                var body = new JsonObject { ["instruction"] = instruction?.DeepClone() };
                if (robot is not null)
                {
                    body["robotId"] = robot.DeepClone();
                }
                foreach (var (key, value) in extra)
                {
                    if (key is not ("instruction" or "robotId"))
                    {
                        body[key] = value?.DeepClone();
                    }
                }
                return body.ToJsonString();
            });
        var broken = Gen.Frequency(
            (2, Gen.Select(objects, Gen.Int[0, 1000]).Select((json, cut) => json[..Math.Min(cut, json.Length)])),
            (1, Value.Select(v => v?.ToJsonString() ?? "null")),
            (1, Text),
            (1, Gen.Int[1, 200].Select(n => new string('[', n))));
        return Gen.Frequency((3, objects), (2, broken))
            .Select(body => new FuzzRequest("POST", "/api/tasks", body, "application/json", Token: true, []));
    }

    /// <summary>Every read route with generated route values and query strings.</summary>
    private static Gen<FuzzRequest> Queries()
    {
        var segment = Gen.Frequency(
            (2, Gen.String[Gen.Char["0123456789abcdef"], 1, 40]),
            (2, Text.Select(Uri.EscapeDataString)),
            (1, Gen.OneOf("..", "%2e%2e", "%00", "con", new string('f', 300))));
        var query = Gen.Select(Gen.OneOf("after", "phase", "access_token", "x"), Gen.Frequency(
            (2, Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (2, Gen.OneOf("Completed", "failed", "Sleeping", "", "-1", "1e9", "18446744073709551616")),
            (2, Text.Select(Uri.EscapeDataString))))
            .Array[0, 3]
            .Select(pairs => pairs.Length == 0 ? "" : "?" + string.Join('&', pairs.Select(p => $"{p.Item1}={p.Item2}")));
        var path = Gen.OneOf(
            Gen.Const("/api/tasks"),
            segment.Select(s => $"/api/tasks/{s}"),
            segment.Select(s => $"/api/tasks/{s}/events"),
            Gen.Const("/api/robots"),
            segment.Select(s => $"/api/blobs/{s}"));
        return Gen.Select(path, query, (p, q) => new FuzzRequest("GET", p + q, null, null, Token: false, []));
    }

    /// <summary>A well-formed submission under generated Authorization, Content-Type and Idempotency-Key headers.</summary>
    private static Gen<FuzzRequest> Headers()
    {
        var ascii = Gen.String[Gen.Char[" !#$%&'*+-.0123456789ABCXYZ^_`abcxyz|~;=/\"\\"], 0, 60];
        var authorization = Gen.Frequency(
            (2, Gen.Const((string?)null)),
            (2, ascii.Select(t => (string?)$"Bearer {t}")),
            (1, Gen.OneOf<string?>("Bearer", "bearer " + OrchestratorHost.Token + " ", "Basic dGVzdDp0ZXN0", "Bearer " + OrchestratorHost.Token + "x")),
            (1, Gen.Const((string?)("Bearer " + OrchestratorHost.Token))));
        var contentType = Gen.OneOf<string?>(
            "application/json", "application/json; charset=utf-8", "text/plain", "application/xml", "application/x-www-form-urlencoded",
            "application/problem+json", "application/json; charset=latin1", "*/*", null);
        var key = Gen.Frequency((2, Gen.Const((string?)null)), (2, ascii.Select(k => (string?)k)));
        var instruction = Gen.OneOf("put the red cup on the plate", "wipe the table", "open the drawer");
        return Gen.Select(authorization, contentType, key, instruction, (auth, type, idempotency, text) =>
        {
            var headers = new List<(string, string)>();
            if (auth is not null)
            {
                headers.Add(("Authorization", auth));
            }
            if (idempotency is not null)
            {
                headers.Add(("Idempotency-Key", idempotency));
            }
            return new FuzzRequest("POST", "/api/tasks", JsonSerializer.Serialize(new { instruction = text }), type, Token: false, headers);
        });
    }

    /// <summary>The surfaces by name.</summary>
    public static IReadOnlyDictionary<string, Gen<FuzzRequest>> Surfaces { get; } = new Dictionary<string, Gen<FuzzRequest>>
    {
        ["bodies"] = Bodies(),
        ["queries"] = Queries(),
        ["headers"] = Headers(),
    };
}

/// <summary>One generated request.</summary>
/// <param name="Method">GET or POST.</param>
/// <param name="Path">The path and query, as sent.</param>
/// <param name="Body">The body's text, or none.</param>
/// <param name="ContentType">The body's Content-Type, sent unvalidated, or none.</param>
/// <param name="Token">Send the fleet's API token (when <paramref name="Headers"/> names no Authorization of its own).</param>
/// <param name="Headers">More headers, sent unvalidated.</param>
public sealed record FuzzRequest(string Method, string Path, string? Body, string? ContentType, bool Token, IReadOnlyList<(string Name, string Value)> Headers)
{
    public HttpRequestMessage Build()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }
        if (Token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OrchestratorHost.Token);
        }
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    public override string ToString() =>
        $"{Method} {Path}" + string.Concat(Headers.Select(h => $" [{h.Name}: {h.Value}]")) + (Body is null ? "" : $" [{ContentType}] {(Body.Length > 300 ? Body[..300] + "…" : Body)}");
}

/// <summary>An answer that broke one of <see cref="RestFuzz"/>'s rules.</summary>
public sealed class FuzzFailure(string message) : Exception(message);
