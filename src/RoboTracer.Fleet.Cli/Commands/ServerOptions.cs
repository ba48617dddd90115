using System.CommandLine;
using RoboTracer.Fleet.Cli.Api;

namespace RoboTracer.Fleet.Cli.Commands;

/// <summary><c>--server</c> and <c>--token</c>, with their environment fallbacks, for the commands that talk to the orchestrator.</summary>
internal sealed class ServerOptions
{
    /// <summary>Where the orchestrator listens when neither --server nor FLEET_SERVER says (DESIGN.md §4: port 5080).</summary>
    public const string DefaultServer = "http://127.0.0.1:5080";

    public const string ServerVariable = "FLEET_SERVER";

    public const string TokenVariable = "FLEET_API_TOKEN";

    private ServerOptions(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
    }

    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"The orchestrator's URL [default: ${ServerVariable}, else {DefaultServer}]",
        HelpName = "URL",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"The API token for mutating calls [default: ${TokenVariable}]",
        HelpName = "TOKEN",
    };

    public static ServerOptions AddTo(Command command) => new(command);

    /// <summary>A client for the server and token the options or the environment give.</summary>
    public FleetApiClient CreateClient(ParseResult parse, CliContext context)
    {
        var server = NonEmpty(parse.GetValue(Server)) ?? NonEmpty(context.Environment(ServerVariable)) ?? DefaultServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw CliException.Usage($"the server address '{server}' is not an http(s) URL; set --server or {ServerVariable}");
        }
        var token = NonEmpty(parse.GetValue(Token)) ?? NonEmpty(context.Environment(TokenVariable));
        return new FleetApiClient(uri, token);
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
